package vn.gov.lgsp.connector.zalo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;
import vn.gov.lgsp.connector.sms.simulator.SimulatedClockInstaller;
import vn.gov.lgsp.connector.sms.simulator.SmsGatewaySimulator;
import vn.gov.lgsp.connector.zalo.simulator.ZaloSimulator;
import vn.gov.lgsp.hub.infra.TestPhones;
import vn.gov.lgsp.hub.infra.DatabaseOutage;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;
import vn.gov.lgsp.hub.work.PartnerWorkQueues;
import vn.gov.lgsp.hub.work.WorkItem;
import vn.gov.lgsp.hub.infra.TestTokens;

/** Citizen notifications end to end: one-stop events in over REST, ZNS and SOAP SMS out to the simulators. */
@HubIntegrationTest
class NotificationIT {
    private static final AtomicInteger SEQ = new AtomicInteger(5000 + new Random().nextInt(3000));
    private static final Random RANDOM = new Random();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired TestRestTemplate http;
    @Autowired JdbcTemplate jdbc;
    @Autowired ZaloSimulator zalo;
    @Autowired ZaloTokens tokens;
    @Autowired ZaloProperties zaloProps;
    @Autowired SmsGatewaySimulator sms;
    @Autowired vn.gov.lgsp.connector.sms.SmsProperties smsProps;
    @Autowired PartnerWorkQueues queues;
    @Autowired RecentZnsSends recentSends;
    @Autowired vn.gov.lgsp.hub.audit.AuditLog audit;

    private final DossierEventFactory factory = new DossierEventFactory(RANDOM.nextLong());

    /** A mobile number (555: has Zalo; 118: no Zalo) with no message anywhere yet: these tests count them by number. */
    private String phone(String ending) {
        return TestPhones.fresh(ending, jdbc, zalo, sms);
    }

    private ObjectNode dossier(String phone, String name) {
        ObjectNode d = factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN));
        d.put("code", "000.00.21.H45-" + OffsetDateTime.now(DossierEventFactory.VN).format(DateTimeFormatter.ofPattern("yyMMdd"))
                + "-" + String.format("%04d", SEQ.incrementAndGet() % 10_000));
        ((ObjectNode) d.get("applicant")).put("phone", phone).put("fullName", name);
        // handed over at the counter: a postal return would start a VNPost order whose own tracking updates
        // (shipped, delivered, then a rating invitation) add messages these tests do not count
        d.put("returnMethod", "COUNTER");
        return d;
    }

    private ObjectNode post(String type, ObjectNode dossier, ObjectNode detail) {
        ObjectNode e = factory.event(type, OffsetDateTime.now(DossierEventFactory.VN), dossier,
                "DOSSIER_OVERDUE".equals(type) ? 4 : "RESULT_READY".equals(type) ? 9 : "SUPPLEMENT_REQUESTED".equals(type) ? 5
                        : "FEE_ASSESSED".equals(type) ? 6 : 2, detail);
        repost(e);
        return e;
    }

    private void repost(ObjectNode event) {
        HttpHeaders h = new HttpHeaders();
        h.setContentType(MediaType.APPLICATION_JSON);
        var r = TestTokens.as(http, TestTokens.onestop()).postForEntity("/api/v1/dossier-events", new HttpEntity<>(event.toString(), h), String.class);
        assertThat(r.getStatusCode().value()).as(r.getBody()).isEqualTo(202);
    }

    private List<JsonNode> znsTo(String phone) {
        String intl = "84" + phone.substring(1);
        return zalo.znsReceived().stream().filter(z -> z.path("phone").asText().equals(intl)).toList();
    }

    private List<SmsGatewaySimulator.Received> smsTo(String phone) {
        String intl = "84" + phone.substring(1);
        return sms.received().stream().filter(s -> s.phone().equals(intl)).toList();
    }

    private static ObjectNode supplement() {
        ObjectNode d = JSON.createObjectNode();
        d.putArray("items").add("Bản sao giấy chứng nhận quyền sử dụng đất có chứng thực");
        d.put("previousDueAt", "2026-12-07T17:00:00+07:00").put("newDueAt", "2026-12-12T17:00:00+07:00");
        return d;
    }

    private static ObjectNode fees(long amount) {
        ObjectNode d = JSON.createObjectNode();
        d.putArray("fees").addObject().put("code", "LPXD").put("name", "Lệ phí cấp giấy phép xây dựng").put("amount", amount).put("paid", false);
        return d;
    }

    private static ObjectNode overdue() {
        return JSON.createObjectNode().put("reason", "Chờ ý kiến của cơ quan phối hợp").put("newDueAt", "2026-12-15T17:00:00+07:00");
    }

    private static ObjectNode ready() {
        ObjectNode d = JSON.createObjectNode();
        d.putArray("documents").addObject().put("name", "Giấy phép xây dựng").put("number", "1234/GPXD");
        return d;
    }

    @Test
    void eachEventBecomesTheRightZnsWithParametersWithinLimits() {
        String phone = phone("555");
        ObjectNode d = dossier(phone, "Nguyễn Thị Hồng Nhung Phương Thảo Ánh");
        String code = d.get("code").asText();
        post("DOSSIER_RECEIVED", d, null);
        post("SUPPLEMENT_REQUESTED", d, supplement());
        post("DOSSIER_OVERDUE", d, overdue());
        post("RESULT_READY", d, ready());
        // payment facts come back as VietinBank's PAYMENT_REQUESTED update (its real code: FEE_ASSESSED -> payment
        // request -> update -> routes/update-payment-requested.yaml), never as JSON written here with the names Zalo expects
        post("FEE_ASSESSED", d, fees(75000));
        // a postal fact as VNPost's tracking update carries it (detail.itemCode): queued as zalo work directly
        queues.enqueue(WorkItem.first("zalo", "it-ship-" + code, code, "RESULT_SHIPPED", JSON.createObjectNode()
                .put("updateId", "it-ship-" + code).put("dossierCode", code).put("updateType", "RESULT_SHIPPED")
                .set("detail", JSON.createObjectNode().put("itemCode", "EB123456789VN")).toString()));

        await().atMost(WAIT).until(() -> znsTo(phone).size() >= 6);
        Map<String, JsonNode> byTemplate = new java.util.HashMap<>();
        znsTo(phone).forEach(z -> byTemplate.put(z.path("template_id").asText(), z));
        assertThat(byTemplate.keySet()).containsExactlyInAnyOrder("301001", "301002", "301008", "301005", "301003", "301006");
        assertThat(znsTo(phone)).hasSize(6);
        String due = ZonedDateTime.parse(d.get("dueAt").asText()).format(DateTimeFormatter.ofPattern("dd/MM/yyyy"));

        JsonNode received = byTemplate.get("301001");
        assertThat(received.path("phone").asText()).isEqualTo("84" + phone.substring(1));
        assertThat(received.path("template_data").path("customer_name").asText()).isEqualTo("Nguyễn Thị Hồng Nhung Phương");
        assertThat(received.path("template_data").path("receipt_code").asText()).isEqualTo(code);
        assertThat(received.path("template_data").path("appointment_date").asText()).isEqualTo(due);
        assertThat(received.path("tracking_id").asText()).isNotBlank();
        assertThat(byTemplate.get("301002").path("template_data").path("missing_items").asText()).startsWith("Bản sao giấy chứng nhận");
        assertThat(byTemplate.get("301002").path("template_data").path("appointment_date").asText()).isEqualTo("12/12/2026");
        assertThat(byTemplate.get("301008").path("template_data").path("reason").asText()).isEqualTo("Chờ ý kiến của cơ quan phối hợp");
        assertThat(byTemplate.get("301008").path("template_data").path("appointment_date").asText()).isEqualTo("15/12/2026");
        assertThat(byTemplate.get("301005").path("template_data").path("return_method").asText()).isNotBlank();
        assertThat(byTemplate.get("301003").path("template_data").path("amount").asText()).isEqualTo("75.000 đồng");
        Map<String, Object> request = jdbc.queryForMap("SELECT cust_code, amount FROM vtb_payment_request WHERE dossier_code = ?", code);
        assertThat(byTemplate.get("301003").path("template_data").path("payment_code").asText())
                .isEqualTo(request.get("cust_code")).matches("LG\\d{10}");
        assertThat(byTemplate.get("301003").path("template_data").path("qr_url").asText())
                .startsWith("https://").contains((String) request.get("cust_code")).contains("amount=75000");
        assertThat(byTemplate.get("301006").path("template_data").path("tracking_code").asText()).isEqualTo("EB123456789VN");
        znsTo(phone).forEach(z -> z.path("template_data").fields().forEachRemaining(f ->
                assertThat(f.getValue().asText().length()).as(f.getKey()).isLessThanOrEqualTo(200)));
        assertThat(smsTo(phone)).isEmpty();
    }

    @Test
    void aPhoneWithoutZaloGetsSmsOnceAndTheNextMessageGoesStraightToSms() {
        String phone = phone("118");
        ObjectNode d = dossier(phone, "Đặng Văn Đức");
        String code = d.get("code").asText();
        post("DOSSIER_RECEIVED", d, null);
        await().atMost(WAIT).until(() -> smsTo(phone).size() == 1);
        SmsGatewaySimulator.Received first = smsTo(phone).get(0);
        assertThat(first.code()).isEqualTo(100);
        assertThat(first.content()).contains("Ho so " + code).contains("Dang Van Duc").matches("[\\x20-\\x7E]+");
        assertThat(first.content().length()).isLessThanOrEqualTo(306);
        assertThat(first.isUnicode()).isZero();
        assertThat(znsTo(phone)).hasSize(1);

        post("SUPPLEMENT_REQUESTED", d, supplement());
        post("DOSSIER_OVERDUE", d, overdue());
        post("RESULT_READY", d, ready());
        await().atMost(WAIT).until(() -> smsTo(phone).size() == 4);
        assertThat(znsTo(phone)).as("after -118 no further ZNS is tried").hasSize(1);
        for (SmsGatewaySimulator.Received s : smsTo(phone)) {
            assertThat(s.content()).matches("[\\x20-\\x7E]+");
            assertThat(vn.gov.lgsp.connector.sms.SmsText.segments(s.content(), false)).isLessThanOrEqualTo(2);
            assertThat(s.brandname()).isNotBlank();
        }
        assertThat(smsTo(phone)).anySatisfy(s -> assertThat(s.content()).contains("can bo sung: Ban sao giay chung nhan"));
        assertThat(smsTo(phone)).anySatisfy(s -> assertThat(s.content()).contains("xin loi").contains("15/12/2026"));
        // the gateway's delivery report comes back and is recorded
        await().atMost(WAIT).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM sms_message WHERE dossier_code = ? AND delivery_status = 5", Integer.class, code) == 4);
        // every request carried the account's keys (the simulator answers others 101); the audit log's copies do not
        assertThat(smsProps.getSecretKey()).isNotBlank();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE party = 'sms' AND dossier_code = ?"
                + " AND masked_payload LIKE '%' || ? || '%'", Integer.class, code, smsProps.getSecretKey())).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE party = 'sms' AND dossier_code = ?",
                Integer.class, code)).isPositive();
    }

    @Test
    void anSmsWithKeysTheGatewayDoesNotKnowIsAnsweredBadKeyAndDeadLetteredForAnOperator() {
        String phone = phone("118");
        ObjectNode d = dossier(phone, "Lý Thị Hằng");
        String code = d.get("code").asText();
        String secret = smsProps.getSecretKey();
        smsProps.setSecretKey("not-the-account-" + secret);
        try {
            post("DOSSIER_RECEIVED", d, null);
            await().atMost(WAIT).until(() -> jdbc.queryForObject(
                    "SELECT count(*) FROM dead_letter WHERE partner = 'sms' AND dossier_code = ?", Integer.class, code) == 1);
        } finally {
            smsProps.setSecretKey(secret);
        }
        assertThat(smsTo(phone)).extracting(SmsGatewaySimulator.Received::code).containsOnly(101);
        assertThat(jdbc.queryForObject("SELECT reason FROM dead_letter WHERE partner = 'sms' AND dossier_code = ?", String.class, code))
                .contains("101");
    }

    @Test
    void aRedeliveredEventSendsNothingNew() {
        String phone = phone("555");
        ObjectNode d = dossier(phone, "Trần Văn Minh");
        ObjectNode e = post("DOSSIER_RECEIVED", d, null);
        await().atMost(WAIT).until(() -> znsTo(phone).size() == 1);
        repost(e);                                   // the same eventId again
        ObjectNode again = e.deepCopy();
        again.put("eventId", java.util.UUID.randomUUID().toString());
        repost(again);                               // the same fact under a new eventId
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> znsTo(phone).size() == 1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM notify_message WHERE dossier_code = ?", Integer.class,
                d.get("code").asText())).isEqualTo(1);
    }

    @Test
    void anSmsAt2230IsSentAt0700NotBeforeButTheApologyGoesAtOnce() {
        var clock = SimulatedClockInstaller.CLOCK;
        try {
            clock.set(LocalTime.of(22, 30), 0);
            String phone = phone("118");
            ObjectNode d = dossier(phone, "Lê Thị Hạnh");
            String code = d.get("code").asText();
            post("DOSSIER_RECEIVED", d, null);
            await().atMost(WAIT).until(() -> "DEFERRED".equals(jdbc.query(
                    "SELECT status FROM sms_message WHERE dossier_code = ? AND event_type = 'DOSSIER_RECEIVED'",
                    rs -> rs.next() ? rs.getString(1) : null, code)));
            String apologyPhone = phone("118");
            ObjectNode late = dossier(apologyPhone, "Phạm Văn Long");
            post("DOSSIER_OVERDUE", late, overdue());
            await().atMost(WAIT).until(() -> smsTo(apologyPhone).size() == 1);
            assertThat(smsTo(phone)).as("nothing at 22:30").isEmpty();

            clock.set(LocalTime.of(6, 59), 1);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> smsTo(phone).isEmpty());

            clock.set(LocalTime.of(7, 0), 1);
            await().atMost(WAIT).until(() -> smsTo(phone).size() == 1);
            // the gateway has it; the hub records sent_at once the gateway's answer is back
            await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT sent_at FROM sms_message WHERE dossier_code = ?", Timestamp.class, code) != null);
            Timestamp sentAt = jdbc.queryForObject("SELECT sent_at FROM sms_message WHERE dossier_code = ?", Timestamp.class, code);
            assertThat(sentAt.toInstant().atZone(SimulatedClockInstaller.CLOCK.getZone()).toLocalTime()).isAfterOrEqualTo(LocalTime.of(7, 0));
        } finally {
            clock.daytime();
        }
    }

    @Test
    void onceZaloSaysTheQuotaIsSpentEveryMessageThatDayGoesBySmsWithoutTryingZnsAndTheNextDayZnsAgain() {
        var clock = SimulatedClockInstaller.CLOCK;
        try {
            // two days back: the quota's day is over long before the clock comes back to today for the other tests
            clock.set(LocalTime.of(10, 0), -2);
            String first = phone("555"), second = phone("555"), nextDay = phone("555");
            zalo.failNextSends(1, -144);
            post("DOSSIER_RECEIVED", dossier(first, "Mai Văn Sơn"), null);
            await().atMost(WAIT).until(() -> smsTo(first).size() == 1);
            assertThat(jdbc.queryForObject("SELECT detail FROM notify_message WHERE recipient = ?", String.class, first))
                    .contains("quota exhausted (-144)");
            post("DOSSIER_RECEIVED", dossier(second, "Mai Thị Sen"), null);
            await().atMost(WAIT).until(() -> smsTo(second).size() == 1);
            assertThat(jdbc.queryForObject("SELECT detail FROM notify_message WHERE recipient = ?", String.class, second))
                    .contains("quota spent today");
            assertThat(znsTo(second)).isEmpty();

            clock.set(LocalTime.of(10, 0), -1);
            post("DOSSIER_RECEIVED", dossier(nextDay, "Mai Văn Tùng"), null);
            await().atMost(WAIT).until(() -> znsTo(nextDay).size() == 1);
            assertThat(smsTo(nextDay)).isEmpty();
        } finally {
            clock.daytime();
        }
    }

    @Test
    void anExpiredAccessTokenIsRefreshedOnceUnderTwentyConcurrentSends() {
        String warm = phone("555");
        post("DOSSIER_RECEIVED", dossier(warm, "Hoàng Văn Nam"), null);
        await().atMost(WAIT).until(() -> znsTo(warm).size() == 1);
        int refreshesBefore = zalo.refreshes(), refusedBefore = zalo.refusedRefreshes();
        zalo.expireAccessTokens();

        List<String> phones = new ArrayList<>();
        List<CompletableFuture<Void>> posts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String p = phone("555");
            phones.add(p);
            ObjectNode d = dossier(p, "Vũ Thị Mai");
            posts.add(CompletableFuture.runAsync(() -> post("DOSSIER_RECEIVED", d, null)));
        }
        posts.forEach(CompletableFuture::join);
        await().atMost(WAIT).until(() -> phones.stream().allMatch(p -> jdbc.queryForObject(
                "SELECT count(*) FROM notify_message WHERE recipient = ? AND status IN ('ZALO_SENT','ZALO_DELIVERED')", Integer.class, p) == 1));
        assertThat(zalo.refreshes() - refreshesBefore).isEqualTo(1);
        assertThat(zalo.refusedRefreshes()).isEqualTo(refusedBefore);
        assertThat(jdbc.queryForObject("SELECT refresh_token FROM zalo_token WHERE id = 1", String.class)).startsWith("rt-");
    }

    @Test
    void aBacklogOfManyDossiersThroughAnExpiredTokenAndPhonesWithoutZaloTellsEachCitizenOnce() {
        String warm = phone("555");
        post("DOSSIER_RECEIVED", dossier(warm, "Lê Văn Tâm"), null);
        await().atMost(WAIT).until(() -> znsTo(warm).size() == 1);
        int refreshesBefore = zalo.refreshes();
        zalo.expireAccessTokens();

        // queued at once, as a backlog after an outage: shard batches with several dossiers' messages, sent at once
        List<String> withZalo = new ArrayList<>(), withoutZalo = new ArrayList<>();
        List<WorkItem> backlog = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String p = phone(i % 6 == 0 ? "118" : "555");
            (i % 6 == 0 ? withoutZalo : withZalo).add(p);
            ObjectNode d = dossier(p, "Trịnh Thị Lan");
            ObjectNode e = factory.event("DOSSIER_RECEIVED", OffsetDateTime.now(DossierEventFactory.VN), d, 2, null);
            backlog.add(WorkItem.first("zalo", e.get("eventId").asText() + ":zalo", d.get("code").asText(), "DOSSIER_RECEIVED", e.toString()));
        }
        queues.enqueueAll(backlog);

        await().atMost(WAIT).until(() -> withZalo.stream().allMatch(p -> jdbc.queryForObject(
                "SELECT count(*) FROM notify_message WHERE recipient = ? AND status IN ('ZALO_SENT','ZALO_DELIVERED')", Integer.class, p) == 1)
                && withoutZalo.stream().allMatch(p -> smsTo(p).size() == 1));
        assertThat(zalo.refreshes() - refreshesBefore).as("one refresh for the whole backlog").isEqualTo(1);
        withoutZalo.forEach(p -> {
            assertThat(jdbc.queryForObject("SELECT status FROM notify_message WHERE recipient = ?", String.class, p)).isEqualTo("SMS_QUEUED");
            assertThat(jdbc.queryForObject("SELECT count(*) FROM zalo_no_account WHERE phone = ?", Integer.class, p)).isEqualTo(1);
        });
        withZalo.forEach(p -> assertThat(smsTo(p)).isEmpty());
    }

    @Test
    void aRefreshTokenZaloRefusesIsReplacedOnceByANewlyConfiguredOneAndNeverByOneUsedBefore() {
        // the stored refresh token is dead (e.g. the OA was re-authorised in the Zalo console)
        jdbc.update("UPDATE zalo_token SET refresh_token = 'rt-revoked', access_token = NULL, access_expires_at = NULL WHERE id = 1");
        tokens.forget();
        String configuredBefore = zaloProps.getInitialRefreshToken();
        try {
            // the operator pastes a new one into HUB_ZALO_REFRESH_TOKEN and restarts
            String pasted = zalo.issueRefreshToken();
            zaloProps.setInitialRefreshToken(pasted);
            int refused = zalo.refusedRefreshes(), refreshes = zalo.refreshes();
            assertThat(tokens.accessToken()).isNotBlank();
            assertThat(zalo.refusedRefreshes() - refused).isEqualTo(1);   // the dead one
            assertThat(zalo.refreshes() - refreshes).isEqualTo(1);        // then the pasted one
            String rotated = jdbc.queryForObject("SELECT refresh_token FROM zalo_token WHERE id = 1", String.class);
            assertThat(rotated).startsWith("rt-").isNotEqualTo(pasted);

            // dead again, and the configured token is the one already used: it is not sent again
            jdbc.update("UPDATE zalo_token SET refresh_token = 'rt-revoked-again', access_token = NULL WHERE id = 1");
            tokens.forget();
            refused = zalo.refusedRefreshes();
            refreshes = zalo.refreshes();
            assertThatThrownBy(tokens::accessToken).hasMessageContaining("-14020").hasMessageContaining("HUB_ZALO_REFRESH_TOKEN");
            assertThat(zalo.refusedRefreshes() - refused).isEqualTo(1);   // the dead one only
            assertThat(zalo.refreshes() - refreshes).isZero();
        } finally {
            // leave the shared context with a working token for the other tests
            zaloProps.setInitialRefreshToken(zalo.issueRefreshToken());
            tokens.forget();
            tokens.accessToken();
            zaloProps.setInitialRefreshToken(configuredBefore);
        }
    }

    @Test
    void aWebhookDeliveredWhileTheDatabaseIsDownIsAnswered503AndTakenWhenZaloSendsItAgain() throws Exception {
        String event = zalo.userSendsText(zalo.userIdOf("84900000777"), "xin chào");
        String key = "user_send_text:" + new ObjectMapper().readTree(event).path("message").path("msg_id").asText();
        int whileDown;
        try (DatabaseOutage down = DatabaseOutage.begin()) {
            whileDown = zalo.sendWebhook(event, true);
        }
        assertThat(whileDown).as("not accepted while the hub cannot store it").isEqualTo(503);
        // Zalo sends the same delivery again, signature and all, until it gets its 200 (the hub's pool reconnects
        // meanwhile): it must be taken then, not refused as a replay of the first try
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> zalo.sendWebhook(event, true) == 200);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM zalo_webhook_event WHERE dedupe_key = ?", Integer.class, key))
                .isEqualTo(1);
        assertThat(zalo.sendWebhook(event, true)).as("once taken, the same delivery again is a duplicate").isEqualTo(200);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM zalo_webhook_event WHERE dedupe_key = ?", Integer.class, key))
                .isEqualTo(1);
    }

    @Test
    void aCitizenAskingByReceiptCodeGetsTheStatusAndForgedWebhooksAreRefused() throws Exception {
        String phone = phone("555");
        ObjectNode d = dossier(phone, "Ngô Thị Lan");
        String code = d.get("code").asText();
        post("DOSSIER_RECEIVED", d, null);
        String user = zalo.userIdOf("84" + phone.substring(1));
        // the ZNS delivery receipt (sent by the simulator) tells the hub which Zalo user has this phone
        await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT count(*) FROM zalo_follower WHERE user_id = ? AND phone = ?",
                Integer.class, user, phone) == 1);
        await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE dossier_code = ?"
                + " AND message_type = 'ZNS_DELIVERED'", Integer.class, code) == 1);

        String ask = zalo.userSendsText(user, "cho hỏi hồ sơ " + code.toLowerCase() + " ạ");
        assertThat(zalo.sendWebhook(ask, true)).isEqualTo(200);
        // the same delivery again (Zalo may deliver an event more than once): answered 200, stored and worked once
        assertThat(zalo.sendWebhook(ask, true)).as("a repeated delivery is a duplicate").isEqualTo(200);
        await().atMost(WAIT).until(() -> repliesTo(user).size() == 1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM zalo_webhook_event WHERE dedupe_key = ?", Integer.class,
                "user_send_text:" + JSON.readTree(ask).path("message").path("msg_id").asText())).isEqualTo(1);
        String reply = repliesTo(user).get(0);
        assertThat(reply).contains(code).contains("đã tiếp nhận")
                .contains(ZonedDateTime.parse(d.get("dueAt").asText()).format(DateTimeFormatter.ofPattern("dd/MM/yyyy")));

        String other = dossier(phone("555"), "Bùi Văn An").get("code").asText();
        ObjectNode otherDossier = dossier(phone("555"), "Bùi Văn An");
        post("DOSSIER_RECEIVED", otherDossier, null);
        String otherCode = otherDossier.get("code").asText();
        await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT count(*) FROM dossier WHERE code = ?", Integer.class, otherCode) == 1);
        zalo.sendWebhook(zalo.userSendsText(user, otherCode), true);
        zalo.sendWebhook(zalo.userSendsText(user, other), true);   // a code that does not exist
        await().atMost(WAIT).until(() -> repliesTo(user).size() == 3);
        String notYours = repliesTo(user).stream().filter(r -> r.contains(otherCode)).findFirst().orElseThrow();
        String unknown = repliesTo(user).stream().filter(r -> r.contains(other)).findFirst().orElseThrow();
        assertThat(notYours).startsWith("Không tìm thấy hồ sơ").doesNotContain("Bùi");
        assertThat(notYours.replace(otherCode, "X")).isEqualTo(unknown.replace(other, "X"));

        assertThat(zalo.sendWebhook(zalo.userSendsText(user, code), false)).isEqualTo(401);
        HttpHeaders h = new HttpHeaders();
        h.setContentType(MediaType.APPLICATION_JSON);
        assertThat(http.postForEntity("/api/v1/partners/zalo/webhook", new HttpEntity<>("{\"event_name\":\"user_send_text\"}", h),
                String.class).getStatusCode().value()).isEqualTo(401);
    }

    @Test
    void webhookEventsAnotherInstanceStoredButDidNotFinishAreWorkedByTheSweep() {
        // as an instance leaves them when it stops between its 200 answer and its work: one never claimed, one
        // claimed three minutes ago and never finished; this instance did not store them, so only the sweep finds them
        String user = zalo.userIdOf("84" + phone("555").substring(1));
        String neverClaimed = zalo.userSendsText(user, "hồ sơ 000.00.21.H45-260101-0001");
        String halfDone = zalo.userSendsText(user, "hồ sơ 000.00.21.H45-260101-0002");
        jdbc.update("INSERT INTO zalo_webhook_event (dedupe_key, event_name, payload) VALUES (?, 'user_send_text', ?)",
                "it-sweep-new-" + user, neverClaimed);
        jdbc.update("INSERT INTO zalo_webhook_event (dedupe_key, event_name, payload, status, attempts, claimed_at)"
                + " VALUES (?, 'user_send_text', ?, 'PROCESSING', 1, now() - interval '3 minutes')", "it-sweep-stale-" + user, halfDone);

        await().atMost(WAIT).until(() -> repliesTo(user).size() == 2);
        // this user has not shared a phone yet: each question is answered with how to do so
        assertThat(repliesTo(user)).allMatch(r -> r.contains("chia sẻ số điện thoại"));
        await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT count(*) FROM zalo_webhook_event WHERE dedupe_key IN (?, ?)"
                + " AND status = 'DONE'", Integer.class, "it-sweep-new-" + user, "it-sweep-stale-" + user) == 2);
    }

    @Test
    void aDeliveryReceiptThatComesBeforeTheSendIsRecordedIsMatchedOnALaterTryAndAReceiptNeverMatchedEndsAsUnknown() {
        // Zalo may post the receipt before the hub has stored the send's msg_id (the simulator posts it at once)
        String phone = phone("555");
        String code = dossier(phone, "Lý Thị Hoa").get("code").asText();
        String messageId = java.util.UUID.randomUUID().toString();
        String msgId = "early" + messageId.replace("-", "");
        jdbc.update("INSERT INTO notify_message (message_id, dossier_code, event_key, recipient, event_type, work_id, status)"
                + " VALUES (?, ?, 'DOSSIER_RECEIVED', ?, 'DOSSIER_RECEIVED', ?, 'PENDING')", messageId, code, phone, "it:" + messageId);
        assertThat(zalo.sendWebhook(receipt(phone, msgId), true)).isEqualTo(200);
        // worked once without a match, and left for the sweep instead of being written off
        await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT count(*) FROM zalo_webhook_event WHERE dedupe_key = ?"
                + " AND status = 'NEW' AND attempts >= 1 AND last_error LIKE 'ZNS msg_id not recorded yet%'", Integer.class,
                "user_received_message:" + msgId) == 1);
        jdbc.update("UPDATE notify_message SET status = 'ZALO_SENT', channel = 'ZALO', zalo_msg_id = ? WHERE message_id = ?", msgId, messageId);
        await().atMost(WAIT).until(() -> "ZALO_DELIVERED".equals(jdbc.queryForObject(
                "SELECT status FROM notify_message WHERE message_id = ?", String.class, messageId)));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE dossier_code = ? AND message_type = 'ZNS_DELIVERED'"
                + " AND outcome = 'DELIVERED'", Integer.class, code)).isEqualTo(1);
        // marked done in the same commit as the delivery it records: never worked (and audited) a second time
        assertThat(jdbc.queryForObject("SELECT status FROM zalo_webhook_event WHERE dedupe_key = ?", String.class,
                "user_received_message:" + msgId)).isEqualTo("DONE");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE correlation_id = ? AND outcome = 'UNKNOWN_MESSAGE'",
                Integer.class, msgId)).isZero();

        String neverSent = "never" + java.util.UUID.randomUUID().toString().replace("-", "");
        assertThat(zalo.sendWebhook(receipt(phone, neverSent), true)).isEqualTo(200);
        await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT count(*) FROM zalo_webhook_event WHERE dedupe_key = ?"
                + " AND status = 'DONE'", Integer.class, "user_received_message:" + neverSent) == 1);
        assertThat(jdbc.queryForObject("SELECT attempts FROM zalo_webhook_event WHERE dedupe_key = ?", Integer.class,
                "user_received_message:" + neverSent)).isEqualTo(5);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE correlation_id = ? AND outcome = 'UNKNOWN_MESSAGE'",
                Integer.class, neverSent)).isEqualTo(1);
    }

    @Test
    void aDeliveryReceiptForASendAlreadyRecordedIsAppliedAtItsFirstClaim() {
        // the send is read with the claim, by the msg_id in the receipt's key: no second try, no sweep needed
        String phone = phone("556");
        String code = dossier(phone, "Trần Văn Bình").get("code").asText();
        String messageId = java.util.UUID.randomUUID().toString();
        String msgId = "sent" + messageId.replace("-", "");
        recordedSend(code, phone, messageId, msgId);
        assertThat(zalo.sendWebhook(receipt(phone, msgId), true)).isEqualTo(200);
        await().atMost(WAIT).until(() -> "ZALO_DELIVERED".equals(jdbc.queryForObject(
                "SELECT status FROM notify_message WHERE message_id = ?", String.class, messageId)));
        assertThat(jdbc.queryForMap("SELECT status, attempts, last_error FROM zalo_webhook_event WHERE dedupe_key = ?",
                "user_received_message:" + msgId)).containsEntry("status", "DONE").containsEntry("attempts", 1)
                .containsEntry("last_error", null);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE dossier_code = ? AND message_type = 'ZNS_DELIVERED'"
                + " AND outcome = 'DELIVERED' AND correlation_id = ?", Integer.class, code, messageId)).isEqualTo(1);
    }

    @Test
    void aDeliveryReceiptForASendThisInstanceMadeIsAppliedBeforeZaloIsAnsweredAndOnlyOnce() {
        String phone = phone("557");
        String code = dossier(phone, "Phan Thị Mai").get("code").asText();
        String messageId = java.util.UUID.randomUUID().toString();
        String msgId = "here" + messageId.replace("-", "");
        recordedSend(code, phone, messageId, msgId);
        // as the notifier leaves it once Zalo accepted the send and its record is queued (here: written)
        recentSends.add(msgId, new RecentZnsSends.Sent(messageId, code, phone, "DOSSIER_RECEIVED"), CompletableFuture.completedFuture(null));

        assertThat(zalo.sendWebhook(receipt(phone, msgId), true)).isEqualTo(200);
        // applied in the group commit that stored it, before the answer: no claim, no drain, no wait
        assertThat(jdbc.queryForObject("SELECT status FROM notify_message WHERE message_id = ?", String.class, messageId))
                .isEqualTo("ZALO_DELIVERED");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM zalo_webhook_event WHERE dedupe_key = ? AND status = 'DONE'"
                + " AND claimed_at = processed_at", Integer.class, "user_received_message:" + msgId)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM zalo_follower WHERE user_id = ? AND phone = ?", Integer.class,
                zalo.userIdOf("84" + phone.substring(1)), phone)).isEqualTo(1);
        // Zalo delivering it again: taken as delivered before, never applied or audited twice
        assertThat(zalo.sendWebhook(receipt(phone, msgId), true)).isEqualTo(200);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE message_type = 'ZNS_DELIVERED' AND correlation_id = ?",
                Integer.class, messageId)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM zalo_webhook_event WHERE dedupe_key = ?", Integer.class,
                "user_received_message:" + msgId)).isEqualTo(1);
    }

    @Test
    void aSendsRecordWrittenAfterItsReceiptWasAppliedLeavesTheMessageDelivered() {
        // the receipt's group commit may write it before the send's own record (queued first, written in the same
        // commit in another order): the send's record then only adds the msg_id
        String phone = phone("559");
        String code = dossier(phone, "Vũ Thị Thu").get("code").asText();
        String messageId = java.util.UUID.randomUUID().toString();
        String msgId = "first" + messageId.replace("-", "");
        jdbc.update("INSERT INTO notify_message (message_id, dossier_code, event_key, recipient, event_type, work_id, status)"
                + " VALUES (?, ?, 'DOSSIER_RECEIVED', ?, 'DOSSIER_RECEIVED', ?, 'PENDING')", messageId, code, phone, "it:" + messageId);
        recentSends.add(msgId, new RecentZnsSends.Sent(messageId, code, phone, "DOSSIER_RECEIVED"), new CompletableFuture<>());
        assertThat(zalo.sendWebhook(receipt(phone, msgId), true)).isEqualTo(200);
        audit.commit(ZaloNotifier.SENT_RECORD.row(msgId, messageId));
        assertThat(jdbc.queryForMap("SELECT status, zalo_msg_id FROM notify_message WHERE message_id = ?", messageId))
                .containsEntry("status", "ZALO_DELIVERED").containsEntry("zalo_msg_id", msgId);
    }

    @Test
    void aDeliveryReceiptAnotherInstanceStoredFirstIsNotAppliedAgainByTheInstanceThatMadeTheSend() {
        String phone = phone("558");
        String code = dossier(phone, "Đỗ Văn Nam").get("code").asText();
        String messageId = java.util.UUID.randomUUID().toString();
        String msgId = "there" + messageId.replace("-", "");
        recordedSend(code, phone, messageId, msgId);
        recentSends.add(msgId, new RecentZnsSends.Sent(messageId, code, phone, "DOSSIER_RECEIVED"), CompletableFuture.completedFuture(null));
        // Zalo posted the receipt to another instance first, which stored it (and works it its own way)
        jdbc.update("INSERT INTO zalo_webhook_event (dedupe_key, event_name, payload, status, attempts) VALUES (?,"
                + " 'user_received_message', '{}', 'PROCESSING', 1)", "user_received_message:" + msgId);

        assertThat(zalo.sendWebhook(receipt(phone, msgId), true)).isEqualTo(200);
        // the stored key stopped it: nothing of it written here
        assertThat(jdbc.queryForObject("SELECT status FROM notify_message WHERE message_id = ?", String.class, messageId))
                .isEqualTo("ZALO_SENT");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE message_type = 'ZNS_DELIVERED' AND correlation_id = ?",
                Integer.class, messageId)).isZero();
        assertThat(jdbc.queryForObject("SELECT status FROM zalo_webhook_event WHERE dedupe_key = ?", String.class,
                "user_received_message:" + msgId)).isEqualTo("PROCESSING");
    }

    /** A ZNS the hub sent and recorded (ZALO_SENT, Zalo's msg_id), as a DOSSIER_RECEIVED notification. */
    private void recordedSend(String code, String phone, String messageId, String msgId) {
        jdbc.update("INSERT INTO notify_message (message_id, dossier_code, event_key, recipient, event_type, work_id, status,"
                + " channel, zalo_msg_id) VALUES (?, ?, 'DOSSIER_RECEIVED', ?, 'DOSSIER_RECEIVED', ?, 'ZALO_SENT', 'ZALO', ?)",
                messageId, code, phone, "it:" + messageId, msgId);
    }

    /** A ZNS delivery receipt as Zalo posts it (user_received_message). */
    private String receipt(String phone, String msgId) {
        long now = System.currentTimeMillis();
        ObjectNode r = JSON.createObjectNode();
        r.put("app_id", zaloProps.getAppId()).put("event_name", "user_received_message").put("timestamp", Long.toString(now));
        r.putObject("sender").put("id", "oa-sim");
        r.putObject("recipient").put("id", zalo.userIdOf("84" + phone.substring(1)));
        r.putObject("message").put("msg_id", msgId).put("delivery_time", Long.toString(now));
        return r.toString();
    }

    private List<String> repliesTo(String user) {
        return zalo.oaMessages().stream().filter(m -> m.path("recipient").path("user_id").asText().equals(user))
                .map(m -> m.path("message").path("text").asText()).toList();
    }
}
