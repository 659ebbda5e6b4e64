package vn.gov.lgsp.connector.onestop.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Realistic one-stop dossier events: Vietnamese names, real-looking agency, dossier and procedure codes, citizen
 * IDs with a valid structure, mobile numbers, and whole lifecycles of events. Used by the traffic simulator of
 * the demo run and by the tests.
 */
public class DossierEventFactory {
    /** Always with seconds: OffsetDateTime.toString() drops ":00" seconds, which the contract does not allow. */
    private static String iso(OffsetDateTime t) {
        return t.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    public static final ZoneOffset VN = ZoneOffset.ofHours(7);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String[] FAMILY = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"};
    private static final String[] MIDDLE_M = {"Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành"};
    private static final String[] MIDDLE_F = {"Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Kim", "Thị Hồng"};
    private static final String[] GIVEN_M = {"An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Long", "Nam", "Phúc", "Quân", "Sơn", "Thắng", "Tuấn", "Việt"};
    private static final String[] GIVEN_F = {"Hà", "Hạnh", "Hương", "Lan", "Linh", "Mai", "Nga", "Nhung", "Phương", "Thảo", "Trang", "Yến", "Ánh", "Ngọc"};
    private static final String[][] PROCEDURES = {
            {"1.001757", "Cấp giấy phép xây dựng nhà ở riêng lẻ"},
            {"1.001193", "Đăng ký khai sinh"},
            {"1.000894", "Đăng ký kết hôn"},
            {"1.004227", "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất lần đầu"},
            {"1.005129", "Cấp Giấy chứng nhận đăng ký hộ kinh doanh"},
            {"2.000908", "Chứng thực bản sao từ bản chính giấy tờ, văn bản"},
            {"1.003180", "Cấp phiếu lý lịch tư pháp"}};
    private static final String[][] AGENCIES = {
            {"000.00.21.H45", "UBND huyện Vân Đồn"},
            {"000.00.13.H45", "UBND thành phố Hạ Long"},
            {"000.00.15.H45", "UBND thành phố Cẩm Phả"},
            {"000.00.04.H45", "Sở Xây dựng tỉnh Quảng Ninh"}};
    private static final String[][] COMMUNES = {
            {"22768", "Phường Hồng Gai"}, {"22816", "Phường Bãi Cháy"}, {"22888", "Phường Cẩm Thạch"},
            {"22969", "Xã Vân Đồn"}, {"22996", "Đặc khu Cô Tô"}};
    private static final String[] STREETS = {"Lê Lợi", "Trần Hưng Đạo", "Nguyễn Văn Cừ", "Hạ Long", "Bạch Đằng", "Lê Thánh Tông", "Cao Thắng"};
    private static final String[] PHONE_PREFIXES = {"091", "094", "088", "098", "097", "086", "090", "093", "070", "077", "081", "083", "085", "056", "058", "039", "035"};

    private final Random random;
    /**
     * Shared by every factory in the JVM, so no dossier code is given out twice in a run. Each test has a factory of
     * its own and they share the simulators, where two dossiers with one code (the short form allows 10,000 per agency
     * and day) read as one dossier going backwards: NationalPortalIT failed on such a pair from two factories.
     */
    private static final AtomicInteger SEQUENCE = new AtomicInteger(new Random().nextInt(9_000_000));

    /** Draws of the agency events only, so the other events come out the same whatever the share. */
    private final Random agencyRandom;
    private volatile double agencyShare;

    public DossierEventFactory(long seed) {
        this.random = new Random(seed);
        this.agencyRandom = new Random(seed ^ 0x5DEECE66DL);
        random.nextInt(9_000_000); // where each factory's sequence started once: drawn still, so a seed's events stay the same
    }

    /**
     * The endings of the numbers the Zalo and SMS simulators refuse on purpose (no Zalo account, inactive, the OA's
     * daily quota spent, invalid, blocked). A drawn number never has one: a random applicant whose number ended in 144
     * made the hub, rightly, send no ZNS until midnight, and every test after it in the run failed. Tests that want a
     * refusal ask for the number (TestPhones).
     */
    private static final java.util.regex.Pattern REFUSED_BY_SIMULATORS = java.util.regex.Pattern.compile("(099|108|114|118|144)$");

    /** One dossier's identity and applicant, its phone one that every partner simulator serves; events: {@link #lifecycle}. */
    public synchronized ObjectNode newDossier(OffsetDateTime receivedAt) {
        String[] agency = pick(AGENCIES);
        String[] procedure = pick(PROCEDURES);
        boolean female = random.nextBoolean();
        String name = pick(FAMILY) + " " + (female ? pick(MIDDLE_F) : pick(MIDDLE_M)) + " " + (female ? pick(GIVEN_F) : pick(GIVEN_M));
        int birthYear = 1950 + random.nextInt(56);
        int century = birthYear >= 2000 ? 2 : 0;
        String citizenId = "022" + (century + (female ? 1 : 0)) + String.format("%02d", birthYear % 100) + String.format("%06d", random.nextInt(1_000_000));
        String phone = pick(PHONE_PREFIXES) + String.format("%07d", random.nextInt(10_000_000));
        if (REFUSED_BY_SIMULATORS.matcher(phone).find()) {
            // the next last digit (099 -> 090, 144 -> 145): no further draw, so a seed's events stay the same
            phone = phone.substring(0, phone.length() - 1) + (char) ('0' + (phone.charAt(phone.length() - 1) - '0' + 1) % 10);
        }
        String[] commune = pick(COMMUNES);
        int channel = 1 + random.nextInt(3);
        // both receipt-code forms: Circular 01/2018 (yyMMdd-4 digits) and the national portal's (yyyyMMdd-7 digits)
        int seq = SEQUENCE.incrementAndGet();
        String code = random.nextInt(4) == 0
                ? agency[0] + "-" + receivedAt.format(DateTimeFormatter.ofPattern("yyMMdd")) + "-" + String.format("%04d", seq % 10_000)
                : agency[0] + "-" + receivedAt.format(DateTimeFormatter.ofPattern("yyyyMMdd")) + "-" + String.format("%07d", seq % 10_000_000);

        ObjectNode d = JSON.createObjectNode();
        d.put("code", code);
        d.put("procedureCode", procedure[0]);
        d.put("procedureName", procedure[1]);
        d.put("agencyCode", agency[0]);
        d.put("agencyName", agency[1]);
        d.put("status", 2);
        d.put("channel", channel);
        d.put("receivedAt", iso(receivedAt));
        d.put("dueAt", iso(receivedAt.plusDays(10).withHour(17).withMinute(0).withSecond(0).withNano(0)));
        d.put("returnMethod", random.nextInt(3) == 0 ? "POSTAL" : "COUNTER");
        ObjectNode applicant = d.putObject("applicant");
        applicant.put("fullName", name);
        applicant.put("citizenId", citizenId);
        applicant.put("phone", phone);
        applicant.putNull("email");
        ObjectNode address = applicant.putObject("address");
        address.put("street", "Số " + (1 + random.nextInt(200)) + " đường " + pick(STREETS));
        address.put("communeCode", commune[0]);
        address.put("communeName", commune[1]);
        address.put("provinceCode", "22");
        address.put("provinceName", "Quảng Ninh");
        ArrayNode fees = d.putArray("fees");
        if (random.nextInt(3) > 0) {
            ObjectNode fee = fees.addObject();
            fee.put("code", "LP" + procedure[0].substring(2, 6));
            fee.put("name", "Lệ phí " + procedure[1].toLowerCase());
            fee.put("amount", (1 + random.nextInt(20)) * 25_000L);
            fee.put("paid", false);
        }
        ObjectNode handler = d.putObject("handler");
        handler.put("name", pick(FAMILY) + " " + pick(MIDDLE_M) + " " + pick(GIVEN_M));
        handler.put("title", "Chuyên viên");
        handler.put("department", "Bộ phận Tiếp nhận và Trả kết quả");
        return d;
    }

    /**
     * The share of dossiers (0..1, default 0: none) whose lifecycle also asks the police for an identity check
     * (IDENTITY_CHECK_REQUESTED) and, as often again, sends a land-transfer tax declaration to the tax office
     * (TAX_DECLARATION_SUBMITTED, with a small PDF form); both with the details of connectors/onestop/contract.
     */
    public void setAgencyShare(double share) {
        this.agencyShare = share;
    }

    /** A realistic sequence of events for one dossier, times increasing, statuses never going backwards. */
    public synchronized List<ObjectNode> lifecycle(ObjectNode dossier) {
        List<ObjectNode> events = new ArrayList<>();
        OffsetDateTime t = OffsetDateTime.parse(dossier.get("receivedAt").asText());
        events.add(event("DOSSIER_RECEIVED", t = t.plusSeconds(30), dossier, 2, null));
        if (agencyShare > 0 && agencyRandom.nextDouble() < agencyShare) {
            String id = dossier.get("applicant").get("citizenId").asText();
            int year = (id.charAt(3) >= '2' ? 2000 : 1900) + Integer.parseInt(id.substring(4, 6));
            ObjectNode detail = JSON.createObjectNode().put("dateOfBirth", String.format("%04d-%02d-%02d", year,
                    1 + agencyRandom.nextInt(12), 1 + agencyRandom.nextInt(28)));
            events.add(event("IDENTITY_CHECK_REQUESTED", t = t.plusMinutes(2), dossier, 2, detail));
        }
        if (agencyShare > 0 && agencyRandom.nextDouble() < agencyShare) {
            ObjectNode detail = JSON.createObjectNode();
            detail.putObject("parcel").put("number", Integer.toString(1 + agencyRandom.nextInt(400)))
                    .put("mapSheet", Integer.toString(1 + agencyRandom.nextInt(60))).put("area", 50 + agencyRandom.nextInt(400))
                    .put("address", dossier.at("/applicant/address/street").asText() + ", " + dossier.at("/applicant/address/communeName").asText());
            // one in ten below the province's price table: the tax office rejects it
            detail.put("declaredValue", agencyRandom.nextInt(10) == 0 ? 60_000_000L : (5 + agencyRandom.nextInt(60)) * 100_000_000L);
            ArrayNode parties = detail.putArray("parties");
            parties.addObject().put("role", "TRANSFEROR").put("fullName", dossier.at("/applicant/fullName").asText())
                    .put("citizenId", dossier.at("/applicant/citizenId").asText());
            parties.addObject().put("role", "TRANSFEREE").put("fullName", FAMILY[agencyRandom.nextInt(FAMILY.length)] + " " + MIDDLE_M[agencyRandom.nextInt(MIDDLE_M.length)]
                            + " " + GIVEN_M[agencyRandom.nextInt(GIVEN_M.length)])
                    .put("citizenId", "0220" + String.format("%02d", 60 + agencyRandom.nextInt(40)) + String.format("%06d", agencyRandom.nextInt(1_000_000)));
            detail.putObject("document").put("name", "to-khai-03-BDS-TNCN.pdf").put("contentType", "application/pdf")
                    .put("contentBase64", java.util.Base64.getEncoder().encodeToString(
                            ("%PDF-1.4\n% To khai thue TNCN 03/BDS-TNCN - " + dossier.get("code").asText() + "\n%%EOF\n").getBytes()));
            events.add(event("TAX_DECLARATION_SUBMITTED", t = t.plusMinutes(5), dossier, 4, detail));
        }
        if (dossier.get("channel").asInt() == 3) {
            ObjectNode detail = JSON.createObjectNode().put("preferredTime", "N");
            events.add(event("PICKUP_REQUESTED", t = t.plusMinutes(5), dossier, 2, detail));
        }
        events.add(step(t = t.plusHours(2), dossier, 2, 4, "Chuyển phòng chuyên môn thẩm định"));
        if (random.nextInt(4) == 0) {
            ObjectNode detail = JSON.createObjectNode();
            detail.putArray("items").add("Bản sao giấy chứng nhận quyền sử dụng đất có chứng thực");
            detail.put("previousDueAt", dossier.get("dueAt").asText());
            String newDue = iso(OffsetDateTime.parse(dossier.get("dueAt").asText()).plusDays(5));
            detail.put("newDueAt", newDue);
            events.add(event("SUPPLEMENT_REQUESTED", t = t.plusHours(3), dossier, 5, detail));
            dossier.put("dueAt", newDue);
            events.add(step(t = t.plusDays(1), dossier, 5, 4, "Công dân đã bổ sung hồ sơ"));
        }
        if (dossier.withArray("fees").size() > 0) {
            ObjectNode detail = JSON.createObjectNode();
            detail.set("fees", dossier.get("fees").deepCopy());
            events.add(event("FEE_ASSESSED", t = t.plusHours(1), dossier, 6, detail));
        }
        if (random.nextInt(10) == 0) {
            ObjectNode detail = JSON.createObjectNode().put("reason", "Chờ ý kiến của cơ quan phối hợp")
                    .put("newDueAt", iso(OffsetDateTime.parse(dossier.get("dueAt").asText()).plusDays(3)));
            events.add(event("DOSSIER_OVERDUE", t = t.plusHours(1), dossier, 4, detail));
        }
        events.add(step(t = t.plusHours(4), dossier, 4, 9, "Lãnh đạo phê duyệt kết quả"));
        ObjectNode ready = JSON.createObjectNode();
        ready.putArray("documents").addObject().put("name", "Kết quả giải quyết thủ tục").put("number", random.nextInt(9000) + 1000 + "/QĐ-UBND");
        events.add(event("RESULT_READY", t = t.plusMinutes(10), dossier, 9, ready));
        events.add(event("RESULT_RETURNED", t.plusDays(1), dossier, 10, JSON.createObjectNode().put("at", iso(t.plusDays(1)))));
        return events;
    }

    public ObjectNode event(String type, OffsetDateTime at, ObjectNode dossier, int status, ObjectNode detail) {
        ObjectNode e = JSON.createObjectNode();
        e.put("eventId", UUID.randomUUID().toString());
        e.put("eventType", type);
        e.put("occurredAt", iso(at));
        ObjectNode d = dossier.deepCopy();
        d.put("status", status);
        e.set("dossier", d);
        e.set("detail", detail == null ? JSON.createObjectNode() : detail);
        return e;
    }

    private ObjectNode step(OffsetDateTime at, ObjectNode dossier, int from, int to, String content) {
        ObjectNode detail = JSON.createObjectNode().put("previousStatus", from);
        detail.putObject("step").put("department", "Phòng Kinh tế - Hạ tầng")
                .put("handler", dossier.get("handler").get("name").asText()).put("content", content).put("at", iso(at));
        return event("STATUS_CHANGED", at, dossier, to, detail);
    }

    private String[] pick(String[][] values) {
        return values[random.nextInt(values.length)];
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }
}
