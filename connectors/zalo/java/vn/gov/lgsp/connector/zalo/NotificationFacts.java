package vn.gov.lgsp.connector.zalo;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vn.gov.lgsp.hub.work.DossierUpdates;

/**
 * The facts a citizen message is made of, taken from a one-stop event (dossier + detail) or from a dossier
 * update (its detail) together with the hub's snapshot of the dossier. Values are full length: each channel
 * applies its own limits (ZNS parameter limits, the SMS segment budget).
 */
public final class NotificationFacts {
    private NotificationFacts() {}

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("dd/MM/yyyy");

    /** @param dossier the dossier object; @param detail the event's or update's detail (may be missing) */
    public static Map<String, String> of(JsonNode dossier, JsonNode detail, String hotline) {
        Map<String, String> f = new LinkedHashMap<>();
        JsonNode applicant = dossier.path("applicant");
        put(f, "name", applicant.path("fullName").asText(null));
        put(f, "phone", applicant.path("phone").asText(null));
        put(f, "code", dossier.path("code").asText(null));
        put(f, "procedure", dossier.path("procedureName").asText(null));
        put(f, "agency", dossier.path("agencyName").asText(null));
        put(f, "dueDate", date(dossier.path("dueAt").asText(null)));
        put(f, "returnMethod", "POSTAL".equals(dossier.path("returnMethod").asText()) ? "gửi qua bưu điện" : "nhận tại Bộ phận Một cửa");
        put(f, "hotline", hotline);
        long unpaid = 0;
        for (JsonNode fee : dossier.path("fees")) {
            if (!fee.path("paid").asBoolean()) unpaid += fee.path("amount").asLong();
        }
        if (unpaid > 0) put(f, "amount", money(unpaid));
        if (detail != null && !detail.isMissingNode() && !detail.isNull()) {
            put(f, "newDueDate", date(detail.path("newDueAt").asText(null)));
            put(f, "previousDueDate", date(detail.path("previousDueAt").asText(null)));
            put(f, "reason", detail.path("reason").asText(null));
            List<String> items = new ArrayList<>();
            detail.path("items").forEach(i -> items.add(i.asText()));
            if (!items.isEmpty()) put(f, "items", String.join("; ", items));
            List<String> docs = new ArrayList<>();
            detail.path("documents").forEach(d -> docs.add(d.path("name").asText() + " số " + d.path("number").asText()));
            if (!docs.isEmpty()) put(f, "documents", String.join("; ", docs));
            // dossier updates of other connectors: their detail fields are the update contract's
            // (connectors/onestop/contract/dossier-update.schema.json), checked by the hub before publishing:
            // PAYMENT_REQUESTED / PAYMENT_CONFIRMED (vietinbank), postal statuses such as RESULT_SHIPPED (vnpost)
            if (detail.hasNonNull("amount")) put(f, "amount", money(detail.path("amount").asLong()));
            put(f, "paymentCode", detail.path("custCode").asText(null));
            put(f, "qrUrl", detail.path("qrUrl").asText(null));
            put(f, "assessment", detail.path("assessmentEventId").asText(null));
            put(f, "trackingCode", detail.path("itemCode").asText(null));
            // the hub's own RATING_INVITATION work (citizen satisfaction): the rating page's link
            put(f, "ratingUrl", detail.path("ratingUrl").asText(null));
        }
        return f;
    }

    /** 75000 -> "75.000 đồng": Vietnamese groups thousands with dots (by hand: no locale data looked up per message). */
    public static String money(long vnd) {
        String digits = Long.toString(Math.abs(vnd));
        StringBuilder sb = new StringBuilder(digits.length() + 12);
        if (vnd < 0) sb.append('-');
        for (int i = 0; i < digits.length(); i++) {
            if (i > 0 && (digits.length() - i) % 3 == 0) sb.append('.');
            sb.append(digits.charAt(i));
        }
        return sb.append(" đồng").toString();
    }

    static String date(String isoOffsetDateTime) {
        if (isoOffsetDateTime == null || isoOffsetDateTime.isBlank()) return null;
        try {
            return OffsetDateTime.parse(isoOffsetDateTime).atZoneSameInstant(DossierUpdates.VIETNAM).format(DATE);
        } catch (Exception e) {
            return isoOffsetDateTime;
        }
    }

    private static void put(Map<String, String> f, String key, String value) {
        if (value != null && !value.isBlank()) f.put(key, value);
    }
}
