package vn.gov.lgsp.connector.nationalportal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.model.Dossier;
import vn.gov.lgsp.hub.model.DossierEvent;
import vn.gov.lgsp.hub.model.EventType;
import vn.gov.lgsp.hub.model.Identifiers;

/**
 * Canonical dossier events -> the portal's field names (connectors/national-portal/README.md has the table).
 * Dates are yyyyMMddHHmmss in Asia/Ho_Chi_Minh.
 */
@Component
public class PortalMapper {
    public static final DateTimeFormatter PORTAL_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
            .withZone(java.time.ZoneId.of("Asia/Ho_Chi_Minh"));

    private final ObjectMapper json;

    public PortalMapper(ObjectMapper json) {
        this.json = json;
    }

    public static String time(OffsetDateTime t) {
        return t == null ? null : PORTAL_TIME.format(t);
    }

    /**
     * DanhGiaHaiLongMC (the hub's proposal, connectors/national-portal/README.md): a citizen's rating from the
     * CITIZEN_RATED update's detail (the update contract's fields): MaHoSo, DiemDanhGia 1..5, HaiLong 1 (4-5 stars)
     * or 0, LyDo (the reasons), NoiDung (the comment, personal data masked), KenhDanhGia ZALO|WEB, ThoiDiemDanhGia.
     */
    public ObjectNode rating(JsonNode update) {
        JsonNode d = update.path("detail");
        ObjectNode r = json.createObjectNode();
        r.put("MaHoSo", update.path("dossierCode").asText());
        r.put("DiemDanhGia", d.path("stars").asInt());
        r.put("HaiLong", d.path("satisfied").asBoolean() ? 1 : 0);
        r.set("LyDo", d.path("reasons").isArray() ? d.get("reasons").deepCopy() : json.createArrayNode());
        if (d.hasNonNull("comment")) r.put("NoiDung", d.get("comment").asText());
        r.put("KenhDanhGia", d.path("channel").asText());
        r.put("ThoiDiemDanhGia", time(OffsetDateTime.parse(d.path("ratedAt").asText())));
        ObjectNode request = json.createObjectNode();
        request.putArray("data").add(r);
        return request;
    }

    /** DongBoHoSoMC: the dossier as the portal stores it, with what this event changed. */
    public ObjectNode dossierSync(DossierEvent e, boolean isUpdating) {
        Dossier d = e.dossier();
        ObjectNode hs = json.createObjectNode();
        hs.put("MaHoSo", d.code());
        hs.put("MaTTHC", d.procedureCode());
        hs.put("TenTTHC", d.procedureName());
        hs.put("ChuHoSo", d.applicant().fullName());
        hs.put("LoaiDoiTuong", 1); // 1 = citizen; the one-stop contract carries individuals
        hs.put("SoDienThoai", Identifiers.localPhone(d.applicant().phone()));
        hs.put("Email", d.applicant().email());
        // the summary names the procedure only: the applicant's name travels in ChuHoSo (a field the hub masks), never
        // inside free text that no mask can find
        hs.put("TrichYeuHoSo", d.procedureName() == null ? d.code() : d.procedureName());
        hs.put("NgayTiepNhan", time(d.receivedAt()));
        hs.put("NgayHenTra", time(d.dueAt()));
        hs.put("TrangThaiHoSo", d.status());
        hs.put("KenhThucHien", d.channel());
        hs.put("HinhThuc", d.returnMethod() == Dossier.ReturnMethod.POSTAL ? 1 : 0);
        hs.put("DonViXuLy", d.agencyName() == null ? d.agencyCode() : d.agencyName());
        hs.put("MaDonViXuLy", d.agencyCode());
        hs.put("NgayCapNhat", time(e.occurredAt()));
        JsonNode detail = e.detail() == null ? json.createObjectNode() : e.detail();

        List<Dossier.Fee> fees = d.fees();
        if (e.eventType() == EventType.FEE_ASSESSED && detail.has("fees")) {
            fees = json.convertValue(detail.get("fees"), json.getTypeFactory().constructCollectionType(List.class, Dossier.Fee.class));
        }
        ArrayNode feeList = hs.putArray("DanhSachLePhi");
        if (fees != null) {
            for (Dossier.Fee f : fees) {
                feeList.addObject().put("TenPhiLePhi", f.name()).put("MaPhiLePhi", f.code())
                        .put("HinhThucThu", 1).put("Gia", f.amount()).put("LoaiPhiLePhi", 1)
                        .put("TrangThaiThanhToan", f.paid() ? 1 : 0);
            }
        }
        switch (e.eventType()) {
            case SUPPLEMENT_REQUESTED -> {
                hs.put("NgayHenTra", detail.path("newDueAt").asText(null) == null ? time(d.dueAt())
                        : time(OffsetDateTime.parse(detail.get("newDueAt").asText())));
                ObjectNode bs = hs.putArray("DanhSachHoSoBoSung").addObject();
                StringBuilder items = new StringBuilder();
                detail.path("items").forEach(i -> items.append(items.length() == 0 ? "" : "; ").append(i.asText()));
                bs.put("NoiDungBoSung", items.toString());
                bs.put("NgayYeuCauBoSung", time(e.occurredAt()));
                bs.put("NgayHenTraTruoc", detail.hasNonNull("previousDueAt")
                        ? time(OffsetDateTime.parse(detail.get("previousDueAt").asText())) : time(d.dueAt()));
                bs.put("NgayHenTraMoi", time(OffsetDateTime.parse(detail.get("newDueAt").asText())));
            }
            case DOSSIER_OVERDUE -> {
                // the apology letter: the spec carries its old and new appointment dates in the supplement list (it
                // has no apology field of its own), the reason as the entry's content
                String newDue = time(OffsetDateTime.parse(detail.get("newDueAt").asText()));
                ObjectNode apology = hs.putArray("DanhSachHoSoBoSung").addObject();
                apology.put("NoiDungBoSung", detail.path("reason").asText());
                apology.put("NgayHenTraTruoc", detail.hasNonNull("previousDueAt")
                        ? time(OffsetDateTime.parse(detail.get("previousDueAt").asText())) : time(d.dueAt()));
                apology.put("NgayHenTraMoi", newDue);
                hs.put("NgayHenTra", newDue);
            }
            case RESULT_RETURNED -> hs.put("NgayTra", detail.hasNonNull("at")
                    ? time(OffsetDateTime.parse(detail.get("at").asText())) : time(e.occurredAt()));
            case RESULT_READY -> {
                ArrayNode docs = hs.putArray("DanhSachGiayToKetQua");
                detail.path("documents").forEach(doc -> docs.addObject()
                        .put("TenGiayTo", doc.path("name").asText()).put("SoKyHieu", doc.path("number").asText(null)));
            }
            default -> { }
        }
        ObjectNode request = json.createObjectNode();
        request.put("isUpdating", isUpdating);
        request.putArray("data").add(hs);
        return request;
    }

    /** CapNhatTienDoHoSoMC: one processing step. */
    public ObjectNode progress(DossierEvent e) {
        Dossier d = e.dossier();
        JsonNode step = e.detail().path("step");
        ObjectNode p = json.createObjectNode();
        p.put("MaHoSo", d.code());
        p.put("NguoiXuLy", step.path("handler").asText(d.handler() == null ? "" : d.handler().name()));
        p.put("ChucDanh", d.handler() == null ? "" : d.handler().title());
        p.put("ThoiDiemXuLy", time(OffsetDateTime.parse(step.path("at").asText(e.occurredAt().toString()))));
        p.put("PhongBanXuLy", step.path("department").asText(d.handler() == null ? "" : d.handler().department()));
        p.put("NoiDungXuLy", step.path("content").asText());
        p.put("TrangThai", d.status());
        p.put("NgayBatDau", time(d.receivedAt()));
        p.put("NgayKetThucTheoQuyDinh", time(d.dueAt()));
        ObjectNode request = json.createObjectNode();
        request.putArray("data").add(p);
        return request;
    }
}
