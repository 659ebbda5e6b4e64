package vn.gov.lgsp.hub.model;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A dossier (hồ sơ) as the one-stop system describes it.
 *
 * @param status  national status code 1..10 (TrangThaiHoSo)
 * @param channel 1 in person, 2 online, 3 postal
 */
public record Dossier(
        String code,
        String procedureCode,
        String procedureName,
        String agencyCode,
        String agencyName,
        int status,
        int channel,
        OffsetDateTime receivedAt,
        OffsetDateTime dueAt,
        ReturnMethod returnMethod,
        Applicant applicant,
        List<Fee> fees,
        Handler handler) {

    public enum ReturnMethod { COUNTER, POSTAL }

    /** Fees not yet paid, in VND. */
    public long unpaidFees() {
        return fees == null ? 0 : fees.stream().filter(f -> !f.paid()).mapToLong(Fee::amount).sum();
    }

    public record Applicant(String fullName, String citizenId, String phone, String email, Address address) {}

    /**
     * An address. Since July 2025 the administration has two tiers (province, commune); district fields are
     * kept optional for older data.
     */
    public record Address(String street, String communeCode, String communeName, String districtCode,
                          String districtName, String provinceCode, String provinceName) {
        public String oneLine() {
            StringBuilder sb = new StringBuilder();
            for (String part : new String[] {street, communeName, districtName, provinceName}) {
                if (part != null && !part.isBlank()) {
                    if (sb.length() > 0) sb.append(", ");
                    sb.append(part);
                }
            }
            return sb.toString();
        }
    }

    /** A fee or charge in integer VND. */
    public record Fee(String code, String name, long amount, boolean paid) {}

    public record Handler(String name, String title, String department) {}
}
