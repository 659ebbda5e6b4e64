package vn.gov.lgsp.connector.police;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Dossier events for the police tests, valid against the one-stop contract, each dossier with a fresh code. */
final class PoliceTestEvents {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ZoneOffset VN = ZoneOffset.ofHours(7);
    private static final AtomicLong SEQ = new AtomicLong(1_000_000 + ThreadLocalRandom.current().nextLong(8_000_000));

    private PoliceTestEvents() {}

    /** The long receipt form (yyyyMMdd + 7 digits) under an agency of its own, so no other test shares a code. */
    static String newDossierCode() {
        return "G22.61-" + OffsetDateTime.now(VN).format(DateTimeFormatter.ofPattern("yyyyMMdd")) + "-" + SEQ.incrementAndGet();
    }

    /** A Quảng Ninh (022) citizen ID of someone born in 19yy, with the given serial (6 digits). */
    static String citizenId(int yy, int serial) {
        return String.format("0221%02d%06d", yy, serial);
    }

    static ObjectNode dossier(String code, String fullName, String citizenId) {
        ObjectNode d = JSON.createObjectNode();
        d.put("code", code);
        d.put("procedureCode", "1.004227");
        d.put("procedureName", "Đăng ký biến động quyền sử dụng đất");
        d.put("agencyCode", "000.00.21.H45");
        d.put("status", 2);
        d.put("channel", 2);
        d.put("receivedAt", OffsetDateTime.now(VN).minusDays(1).withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        d.put("dueAt", OffsetDateTime.now(VN).plusDays(10).withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        d.put("returnMethod", "COUNTER");
        ObjectNode a = d.putObject("applicant");
        a.put("fullName", fullName);
        a.put("citizenId", citizenId);
        a.put("phone", "0912345678");
        a.putNull("email");
        a.putNull("address");
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

    static ObjectNode identityCheck(ObjectNode dossier, LocalDate dateOfBirth) {
        return event("IDENTITY_CHECK_REQUESTED", dossier, JSON.createObjectNode().put("dateOfBirth", dateOfBirth.toString()));
    }
}
