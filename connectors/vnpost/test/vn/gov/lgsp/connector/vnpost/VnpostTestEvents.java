package vn.gov.lgsp.connector.vnpost;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Dossier events for the VNPost tests, valid against the one-stop contract, each dossier with a fresh code. */
final class VnpostTestEvents {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ZoneOffset VN = ZoneOffset.ofHours(7);
    private static final AtomicInteger SEQ = new AtomicInteger(1000 + ThreadLocalRandom.current().nextInt(7000));

    private VnpostTestEvents() {}

    static String newDossierCode() {
        return "000.00.21.H45-" + OffsetDateTime.now(VN).format(DateTimeFormatter.ofPattern("yyMMdd")) + "-" + SEQ.incrementAndGet();
    }

    /** A dossier returned by post, with one unpaid fee (75,000) and one paid (20,000). */
    static ObjectNode dossier(String code) {
        ObjectNode d = JSON.createObjectNode();
        d.put("code", code);
        d.put("procedureCode", "1.001757");
        d.put("procedureName", "Cấp giấy phép xây dựng nhà ở riêng lẻ");
        d.put("agencyCode", "000.00.21.H45");
        d.put("agencyName", "UBND huyện Vân Đồn");
        d.put("status", 9);
        d.put("channel", 3);
        d.put("receivedAt", OffsetDateTime.now(VN).minusDays(3).withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        d.put("dueAt", OffsetDateTime.now(VN).plusDays(7).withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        d.put("returnMethod", "POSTAL");
        ObjectNode a = d.putObject("applicant");
        a.put("fullName", "Nguyễn Thị Hồng Nhung");
        a.put("citizenId", "022190001234");
        a.put("phone", "84912345678"); // normalised to 0912345678 on the wire
        a.putNull("email");
        ObjectNode addr = a.putObject("address");
        addr.put("street", "Số 12 đường Lê Lợi");
        addr.put("communeCode", "22768");
        addr.put("communeName", "Phường Hồng Gai");
        addr.put("provinceCode", "22");
        addr.put("provinceName", "Quảng Ninh");
        var fees = d.putArray("fees");
        fees.addObject().put("code", "LPXD").put("name", "Lệ phí cấp giấy phép xây dựng").put("amount", 75000).put("paid", false);
        fees.addObject().put("code", "PTD").put("name", "Phí thẩm định").put("amount", 20000).put("paid", true);
        d.putObject("handler").put("name", "Trần Văn Minh").put("title", "Chuyên viên").put("department", "Phòng Kinh tế - Hạ tầng");
        return d;
    }

    static ObjectNode event(String type, ObjectNode dossier, ObjectNode detail) {
        ObjectNode e = JSON.createObjectNode();
        e.put("eventId", UUID.randomUUID().toString());
        e.put("eventType", type);
        e.put("occurredAt", OffsetDateTime.now(VN).withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        e.set("dossier", dossier.deepCopy());
        e.set("detail", detail == null ? JSON.createObjectNode() : detail);
        return e;
    }

    static ObjectNode resultReady(ObjectNode dossier) {
        ObjectNode detail = JSON.createObjectNode();
        detail.putArray("documents").addObject().put("name", "Giấy phép xây dựng").put("number", "123/GPXD");
        return event("RESULT_READY", dossier, detail);
    }

    static ObjectNode pickupRequested(ObjectNode dossier) {
        return event("PICKUP_REQUESTED", dossier, JSON.createObjectNode().put("preferredTime", "S"));
    }
}
