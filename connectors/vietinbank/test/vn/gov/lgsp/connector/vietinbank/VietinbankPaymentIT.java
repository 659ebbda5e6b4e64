package vn.gov.lgsp.connector.vietinbank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;
import vn.gov.lgsp.connector.vietinbank.simulator.VietinbankBankSimulator;
import vn.gov.lgsp.connector.vietinbank.simulator.VietinbankBankSimulator.Delivery;
import vn.gov.lgsp.connector.vietinbank.simulator.VietinbankBankSimulator.RetryPolicy;
import vn.gov.lgsp.hub.infra.DatabaseOutage;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;
import vn.gov.lgsp.hub.infra.TestTokens;

/**
 * End to end on real infrastructure: FEE_ASSESSED events through the hub's REST inbound, the vietinbank work
 * queue, payment requests in PostgreSQL, the bank simulator POSTing signed IPNs over loopback HTTP, and the
 * PAYMENT_CONFIRMED updates read back from the onestop.dossier.updates Kafka topic.
 */
@HubIntegrationTest
class VietinbankPaymentIT {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Each test uses its own dossier-code date, so its dossiers cannot collide with other tests' dossiers. */
    static final int DAY_BASE = ThreadLocalRandom.current().nextInt(0, 300);

    static KafkaConsumer<String, String> consumer;
    static final List<JsonNode> updates = new CopyOnWriteArrayList<>();
    static volatile boolean consuming = true;
    static Thread poller;

    @Autowired TestRestTemplate http;
    @Autowired JdbcTemplate jdbc;
    @Autowired DataSource dataSource;
    @Autowired VietinbankBankSimulator bank;
    @Autowired VietinbankProperties props;
    @org.springframework.boot.test.web.server.LocalServerPort int port;

    @BeforeAll
    static void readUpdates() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.get().kafkaBootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "vietinbank-it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumer = new KafkaConsumer<>(p);
        consumer.subscribe(List.of(EmbeddedInfrastructure.UPDATES_TOPIC));
        poller = new Thread(() -> {
            while (consuming) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        JsonNode u = JSON.readTree(r.value());
                        if ("vietinbank".equals(u.path("source").asText())) updates.add(u);
                    } catch (Exception ignored) {
                        // not ours
                    }
                }
            }
            consumer.close();
        }, "vietinbank-it-updates");
        poller.setDaemon(true);
        poller.start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        consuming = false;
        poller.join(5000);
    }

    // ---------------------------------------------------------------------------------------------------------

    @Test
    void thousandNotificationsForFiveHundredPaymentsApplyEachExactlyOnce() throws Exception {
        DossierEventFactory f = new DossierEventFactory(4001);
        OffsetDateTime day = dossierDay(0);
        List<ObjectNode> dossiers = new ArrayList<>();
        for (int i = 0; i < 500; i++) dossiers.add(dossierWithFees(f, day, 25_000L * (1 + i % 40), 10_000L * (i % 3)));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> posts = new ArrayList<>();
            for (ObjectNode d : dossiers) posts.add(pool.submit(() -> assessFees(f, d)));
            for (Future<?> p : posts) p.get();
            Set<String> codes = dossiers.stream().map(d -> d.get("code").asText()).collect(Collectors.toSet());
            Map<String, Map<String, Object>> requests = awaitOpenRequests(codes);

            // 1,000 notifications: every payment notified twice, half of them concurrently, all in shuffled order
            List<Map<String, Object>> owed = new ArrayList<>(requests.values());
            Collections.shuffle(owed);
            List<VietinbankNotification> ipns = owed.stream()
                    .map(r -> bank.book((String) r.get("cust_code"), ((Number) r.get("amount")).longValue())).toList();
            List<Future<Delivery>> sent = new ArrayList<>();
            for (int i = 0; i < ipns.size(); i++) {
                VietinbankNotification ipn = ipns.get(i);
                if (i % 2 == 0) {
                    sent.add(pool.submit(() -> bank.notify(ipn)));
                    sent.add(pool.submit(() -> bank.notify(ipn)));
                } else {
                    CompletableFuture<Delivery> second = new CompletableFuture<>();
                    sent.add(pool.submit(() -> {
                        Delivery d = bank.notify(ipn);
                        second.complete(bank.notify(ipn));
                        return d;
                    }));
                    sent.add(second);
                }
            }
            List<Delivery> deliveries = new ArrayList<>();
            for (Future<Delivery> s : sent) deliveries.add(s.get());

            assertThat(deliveries).hasSize(1000);
            Map<String, Long> byCode = deliveries.stream().collect(Collectors.groupingBy(Delivery::finalCode, Collectors.counting()));
            assertThat(byCode).containsExactlyInAnyOrderEntriesOf(Map.of("00", 500L, "05", 500L));
            assertThat(deliveries).allMatch(Delivery::allRepliesSigned);
            assertThat(deliveries).allMatch(d -> d.attempts().size() == 1); // the hub never needed a retry
            // each transId got one "00" and one "05"
            Map<String, Set<String>> perTrans = deliveries.stream().collect(Collectors.groupingBy(d -> d.notification().transId(),
                    Collectors.mapping(Delivery::finalCode, Collectors.toSet())));
            assertThat(perTrans).hasSize(500).allSatisfy((t, c) -> assertThat(c).containsExactlyInAnyOrder("00", "05"));

            assertThat(countIn("SELECT count(*) FROM vtb_transaction WHERE dossier_code IN (%s)", codes)).isEqualTo(500);
            assertThat(countIn("SELECT count(*) FROM vtb_payment_request WHERE status = 'PAID' AND dossier_code IN (%s)", codes)).isEqualTo(500);
            assertThat(jdbc.queryForObject("SELECT coalesce(sum(t.amount),0) - coalesce(sum(r.amount),0) FROM vtb_transaction t"
                    + " JOIN vtb_payment_request r ON r.cust_code = t.cust_code", Long.class)).isZero();
            // every IPN and every reply is in the audit log
            for (VietinbankNotification ipn : ipns.subList(0, 20)) {
                assertThat(jdbc.queryForList("SELECT direction || ':' || outcome FROM audit_record WHERE correlation_id = ?"
                        + " AND party = 'vietinbank'", String.class, ipn.transId()))
                        .containsExactlyInAnyOrder("IN:ACCEPTED", "OUT:ACCEPTED", "IN:DUPLICATE", "OUT:DUPLICATE");
            }

            await().atMost(Duration.ofSeconds(120)).untilAsserted(() ->
                    assertThat(updatesOf("PAYMENT_CONFIRMED", codes).stream().map(u -> u.get("updateId").asText()).distinct())
                            .hasSize(500));
            List<JsonNode> confirmed = updatesOf("PAYMENT_CONFIRMED", codes);
            assertThat(confirmed).hasSize(500); // none published twice
            Set<String> expectedIds = ipns.stream().map(i -> "vietinbank:" + i.transId()).collect(Collectors.toSet());
            assertThat(confirmed.stream().map(u -> u.get("updateId").asText())).containsExactlyInAnyOrderElementsOf(expectedIds);
            // and the citizens were asked to pay with a checkable VietQR first
            List<JsonNode> requested = updatesOf("PAYMENT_REQUESTED", codes);
            assertThat(requested.stream().map(u -> u.get("dossierCode").asText()).distinct()).hasSize(500);
            JsonNode one = requested.get(0).get("detail");
            assertThat(VietQr.crcValid(one.get("qr").asText())).isTrue();
            assertThat(VietQr.parse(VietQr.parse(one.get("qr").asText()).get("62"))).containsEntry("08", one.get("custCode").asText());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void forgedUnknownAndWrongAmountNotificationsGetTheirCodesAndChangeNothing() {
        DossierEventFactory f = new DossierEventFactory(4002);
        ObjectNode d = dossierWithFees(f, dossierDay(1), 150_000, 0);
        String dossier = d.get("code").asText();
        Map<String, Object> req = assessAndAwaitRequest(f, d);
        String code = (String) req.get("cust_code");
        long owed = ((Number) req.get("amount")).longValue();
        assertThat(owed).isEqualTo(150_000);

        Delivery forged = bank.notify(bank.forged(code, owed));
        Delivery tampered = bank.notify(VietinbankBankSimulator.tampered(bank.book(code, 15_000), owed));
        Delivery unknown = bank.pay("LG9999999999", owed);
        Delivery over = bank.pay(code, owed + 50_000);
        Delivery under = bank.pay(code, owed - 50_000);

        assertThat(forged.finalCode()).isEqualTo("01");
        assertThat(tampered.finalCode()).isEqualTo("01");
        assertThat(unknown.finalCode()).isEqualTo("02");
        assertThat(over.finalCode()).isEqualTo("03");
        assertThat(under.finalCode()).isEqualTo("03");
        for (Delivery x : List.of(forged, tampered, unknown, over, under)) {
            assertThat(x.allRepliesSigned()).isTrue();
            assertThat(x.finalReply().transId()).isEqualTo(x.notification().transId());
        }
        // nothing changed: still owed, no transaction, no update queued
        assertThat(jdbc.queryForObject("SELECT status FROM vtb_payment_request WHERE cust_code = ?", String.class, code)).isEqualTo("OPEN");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM vtb_transaction WHERE cust_code = ?", Integer.class, code)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM vtb_update_outbox WHERE dossier_code = ?", Integer.class, dossier)).isZero();
        // ... but each was recorded for operators, over- and under-payment flagged as such
        assertThat(jdbc.queryForList("SELECT kind || ':' || reply_code FROM vtb_payment_exception WHERE trans_id IN (?,?,?,?,?)",
                String.class, forged.notification().transId(), tampered.notification().transId(), unknown.notification().transId(),
                over.notification().transId(), under.notification().transId()))
                .containsExactlyInAnyOrder("BAD_SIGNATURE:01", "BAD_SIGNATURE:01", "UNKNOWN_CODE:02", "OVERPAID:03", "UNDERPAID:03");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE correlation_id = ? AND outcome = 'BAD_SIGNATURE'",
                Integer.class, forged.notification().transId())).isEqualTo(2);

        // the right payment still goes through afterwards; a later different transaction for the paid code is flagged
        assertThat(bank.pay(code, owed).finalCode()).isEqualTo("00");
        Delivery twice = bank.pay(code, owed);
        assertThat(twice.finalCode()).isEqualTo("07");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM vtb_transaction WHERE cust_code = ?", Integer.class, code)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT kind FROM vtb_payment_exception WHERE trans_id = ?", String.class,
                twice.notification().transId())).isEqualTo("ALREADY_PAID");
    }

    @Test
    void reassessmentReplacesAnUnpaidCodeAndExpiredCodesAreRefused() {
        DossierEventFactory f = new DossierEventFactory(4003);
        ObjectNode d = dossierWithFees(f, dossierDay(2), 100_000, 0);
        String dossier = d.get("code").asText();
        String first = (String) assessAndAwaitRequest(f, d).get("cust_code");

        ((ObjectNode) d.withArray("fees").get(0)).put("amount", 120_000);
        assessFees(f, d);
        await().atMost(Duration.ofSeconds(60)).until(() -> "REPLACED".equals(
                jdbc.queryForObject("SELECT status FROM vtb_payment_request WHERE cust_code = ?", String.class, first)));
        Map<String, Object> second = awaitOpenRequests(Set.of(dossier)).get(dossier);
        assertThat(second.get("cust_code")).isNotEqualTo(first);
        assertThat(((Number) second.get("amount")).longValue()).isEqualTo(120_000);

        assertThat(bank.pay(first, 100_000).finalCode()).isEqualTo("04");
        jdbc.update("UPDATE vtb_payment_request SET expires_at = now() - interval '1 hour' WHERE cust_code = ?", second.get("cust_code"));
        assertThat(bank.pay((String) second.get("cust_code"), 120_000).finalCode()).isEqualTo("04");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM vtb_transaction WHERE dossier_code = ?", Integer.class, dossier)).isZero();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(updatesOf("PAYMENT_REQUESTED", Set.of(dossier)))
                .anySatisfy(u -> assertThat(u.get("detail").path("replaces").path(0).asText()).isEqualTo(first)));
    }

    @Test
    void lostNotificationIsAppliedByTheNextReconciliationOnce() {
        DossierEventFactory f = new DossierEventFactory(4004);
        ObjectNode d = dossierWithFees(f, dossierDay(3), 75_000, 25_000);
        String dossier = d.get("code").asText();
        Map<String, Object> req = assessAndAwaitRequest(f, d);
        String code = (String) req.get("cust_code");
        VietinbankNotification lost = bank.payWithLostNotification(code, 100_000);
        assertThat(jdbc.queryForObject("SELECT status FROM vtb_payment_request WHERE cust_code = ?", String.class, code)).isEqualTo("OPEN");

        LocalDate today = LocalDate.now(VietinbankBankSimulator.VN);
        JsonNode report = reconcile(today);
        assertThat(report.get("applied").findValuesAsText("transId")).contains(lost.transId());
        assertThat(jdbc.queryForObject("SELECT applied_by FROM vtb_transaction WHERE cust_code = ?", String.class, code)).isEqualTo("RECONCILIATION");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE correlation_id = ? AND outcome = 'APPLIED_BY_RECONCILIATION'",
                Integer.class, lost.transId())).isEqualTo(1);

        // the next run, and the notification finally arriving, change nothing
        JsonNode again = reconcile(today);
        assertThat(again.get("applied").findValuesAsText("transId")).doesNotContain(lost.transId());
        assertThat(again.get("problems").findValuesAsText("transId")).doesNotContain(lost.transId());
        assertThat(bank.notify(lost).finalCode()).isEqualTo("05");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM vtb_transaction WHERE cust_code = ?", Integer.class, code)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(60)).until(() -> updatesOf("PAYMENT_CONFIRMED", Set.of(dossier)).size() == 1);
        assertThat(updatesOf("PAYMENT_CONFIRMED", Set.of(dossier)).get(0).get("detail").get("appliedBy").asText()).isEqualTo("RECONCILIATION");

        // operators see the run; unknown codes paid at the bank are reported, not applied
        Delivery unknown = bank.pay("LG8888888888", 5_000);
        JsonNode third = reconcile(today);
        assertThat(third.get("problems").findValuesAsText("transId")).contains(unknown.notification().transId());
        ResponseEntity<String> get = TestTokens.as(http, TestTokens.viewer()).getForEntity("/api/v1/payments/reconciliation/" + today, String.class);
        assertThat(get.getStatusCode().value()).isEqualTo(200);
        assertThat(get.getBody()).contains("\"status\":\"DONE\"").contains(unknown.notification().transId());
        assertThat(TestTokens.as(http, TestTokens.viewer()).getForEntity("/api/v1/payments/reconciliation/2001-01-01", String.class).getStatusCode().value()).isEqualTo(404);
        assertThat(updatesOf("PAYMENT_CONFIRMED", Set.of(dossier))).hasSize(1);
    }

    /**
     * Approximates "the hub is killed between the database commit and the reply" in two ways, on the real stack:
     * (1) the hub commits and answers but the bank never receives the answer (the simulator drops it) and
     * retries the same IPN; (2) the hub is slow (the payment row is held locked by another session), the bank's
     * reply timeout fires and it retries while the first request is still in flight, which later commits.
     * In both the payment is applied once and one PAYMENT_CONFIRMED is published.
     */
    @Test
    void hubDyingBetweenCommitAndReplyLeavesThePaymentAppliedOnceAfterTheBankRetries() throws Exception {
        DossierEventFactory f = new DossierEventFactory(4005);
        OffsetDateTime day = dossierDay(4);
        ObjectNode d1 = dossierWithFees(f, day, 50_000, 0);
        ObjectNode d2 = dossierWithFees(f, day, 60_000, 0);
        assessFees(f, d1);
        assessFees(f, d2);
        String c1 = d1.get("code").asText();
        String c2 = d2.get("code").asText();
        Map<String, Map<String, Object>> reqs = awaitOpenRequests(Set.of(c1, c2));

        // (1) reply lost after the commit
        VietinbankNotification ipn = bank.book((String) reqs.get(c1).get("cust_code"), 50_000);
        Delivery lostReply = bank.notifyLosingFirstReply(ipn);
        assertThat(lostReply.attempts()).hasSize(2);
        assertThat(lostReply.attempts().get(0).error()).contains("hub had answered 00");
        assertThat(lostReply.finalCode()).isEqualTo("05");
        assertThat(lostReply.allRepliesSigned()).isTrue();

        // (2) slow hub: the bank gives up waiting and retries while the first attempt is blocked
        String code2 = (String) reqs.get(c2).get("cust_code");
        VietinbankNotification slow = bank.book(code2, 60_000);
        Delivery slowDelivery;
        try (Connection blocker = dataSource.getConnection()) {
            blocker.setAutoCommit(false);
            try (PreparedStatement lock = blocker.prepareStatement("SELECT 1 FROM vtb_payment_request WHERE cust_code = ? FOR UPDATE")) {
                lock.setString(1, code2);
                lock.executeQuery().close();
            }
            CompletableFuture<Delivery> pending = CompletableFuture.supplyAsync(
                    () -> bank.notify(slow, new RetryPolicy(Duration.ofMillis(400), 20, Duration.ofMillis(100))));
            // at least two of the bank's attempts are now waiting inside the hub
            await().atMost(Duration.ofSeconds(30)).until(() -> waitingOn(blocker) >= 2);
            blocker.rollback();
            slowDelivery = pending.get();
        }
        assertThat(slowDelivery.attempts().size()).isGreaterThanOrEqualTo(2);
        assertThat(slowDelivery.attempts().get(0).error()).isEqualTo("timeout");
        assertThat(slowDelivery.finalCode()).isIn("00", "05");
        assertThat(slowDelivery.allRepliesSigned()).isTrue();

        for (String dossier : List.of(c1, c2)) {
            assertThat(jdbc.queryForObject("SELECT count(*) FROM vtb_transaction WHERE dossier_code = ?", Integer.class, dossier)).isEqualTo(1);
            await().atMost(Duration.ofSeconds(60)).until(() -> updatesOf("PAYMENT_CONFIRMED", Set.of(dossier)).size() >= 1);
        }
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> updatesOf("PAYMENT_CONFIRMED", Set.of(c1, c2)).size() == 2);
        // every attempt of the slow one that reached the database was audited with its reply
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE correlation_id = ? AND direction = 'OUT' AND outcome = 'ACCEPTED'",
                Integer.class, slow.transId())).isEqualTo(1);
    }

    /**
     * The hub's database down when the bank notifies: the bank hears HTTP 503 with the signed reply "99", and
     * nothing is applied; its retry after the outage is applied once and confirmed once.
     */
    @Test
    void aNotificationDuringADatabaseOutageIsAnswered99AndAppliedOnceWhenTheBankRetries() throws Exception {
        DossierEventFactory f = new DossierEventFactory(4006);
        ObjectNode d = dossierWithFees(f, dossierDay(5), 40_000, 0);
        String dossier = d.get("code").asText();
        Map<String, Object> req = assessAndAwaitRequest(f, d);
        VietinbankNotification ipn = bank.book((String) req.get("cust_code"), 40_000);
        Delivery whileDown;
        try (DatabaseOutage down = DatabaseOutage.begin()) {
            whileDown = bank.notify(ipn, new RetryPolicy(Duration.ofSeconds(30), 1, Duration.ZERO));
        }
        assertThat(whileDown.finalCode()).as("the hub's code for 'try again later'").isEqualTo("99");
        assertThat(whileDown.attempts().get(0).httpStatus()).as("and HTTP's: the published protocol has no retry code").isEqualTo(503);
        assertThat(whileDown.allRepliesSigned()).isTrue();

        Delivery after = bank.notify(ipn, new RetryPolicy(Duration.ofSeconds(30), 40, Duration.ofMillis(500)));
        assertThat(after.finalCode()).isEqualTo("00");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM vtb_transaction WHERE dossier_code = ?", Integer.class, dossier)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(60)).until(() -> updatesOf("PAYMENT_CONFIRMED", Set.of(dossier)).size() == 1);
        assertThat(bank.notify(ipn).finalCode()).as("a later repeat changes nothing").isEqualTo("05");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> updatesOf("PAYMENT_CONFIRMED", Set.of(dossier)).size() == 1);
    }


    /** A debit (transType D: a reversal or refund) naming an open code with the owed amount is never a payment. */
    @Test
    void aDebitNotificationIsRefusedWith08AndPaysNothing() {
        DossierEventFactory f = new DossierEventFactory(4007);
        ObjectNode d = dossierWithFees(f, dossierDay(6), 90_000, 0);
        String dossier = d.get("code").asText();
        String code = (String) assessAndAwaitRequest(f, d).get("cust_code");

        VietinbankNotification debit = signed(newTransId(), code, 90_000, "D", "FT-D");
        Delivery refused = bank.notify(debit);
        assertThat(refused.finalCode()).isEqualTo("08");
        assertThat(refused.allRepliesSigned()).isTrue();
        assertThat(bank.notify(debit).finalCode()).as("final: the same answer again").isEqualTo("08");
        assertThat(jdbc.queryForObject("SELECT status FROM vtb_payment_request WHERE cust_code = ?", String.class, code)).isEqualTo("OPEN");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM vtb_transaction WHERE cust_code = ?", Integer.class, code)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM vtb_update_outbox WHERE dossier_code = ?", Integer.class, dossier)).isZero();
        // kept for operators with the request it names, and audited like any other refusal
        assertThat(jdbc.queryForList("SELECT kind || ':' || reply_code || ':' || dossier_code || ':' || owed FROM vtb_payment_exception"
                + " WHERE trans_id = ?", String.class, debit.transId())).containsOnly("DEBIT:08:" + dossier + ":90000").hasSize(2);
        assertThat(jdbc.queryForList("SELECT direction || ':' || outcome FROM audit_record WHERE correlation_id = ? AND party = 'vietinbank'",
                String.class, debit.transId())).contains("IN:DEBIT", "OUT:DEBIT");

        // the other transaction types the spec lists are not defined further: a credit of another kind still pays
        assertThat(bank.notify(signed(newTransId(), code, 90_000, "COLLECTION", "FT-C")).finalCode()).isEqualTo("00");
        await().atMost(Duration.ofSeconds(60)).until(() -> updatesOf("PAYMENT_CONFIRMED", Set.of(dossier)).size() == 1);
    }

    /**
     * Ids the hub cannot record (longer than their columns, control characters, a NUL that PostgreSQL refuses in
     * text) are invalid input, "06", recorded; a forged one is still "01", recorded. Before, the insert failed and
     * the bank heard "99" for ever, with no record of the refusal.
     */
    @Test
    void idsTheHubCannotRecordAreInvalidInputAndTheRefusalIsRecorded() {
        DossierEventFactory f = new DossierEventFactory(4008);
        ObjectNode d = dossierWithFees(f, dossierDay(7), 30_000, 0);
        String dossier = d.get("code").asText();
        String code = (String) assessAndAwaitRequest(f, d).get("cust_code");

        VietinbankNotification longBankId = signed(newTransId(), code, 30_000, "C", "FT" + "9".repeat(63));
        VietinbankNotification longTransId = signed(newTransId() + "X".repeat(64), code, 30_000, "C", "FT1");
        VietinbankNotification nulTransId = signed(newTransId() + "\u0000", code, 30_000, "C", "FT2");
        VietinbankNotification nulCode = signed(newTransId(), code + "\u0000", 30_000, "C", "FT3");
        VietinbankNotification tabBankId = signed(newTransId(), code, 30_000, "C", "FT\t4");
        for (VietinbankNotification ipn : List.of(longBankId, longTransId, nulTransId, nulCode, tabBankId)) {
            Delivery x = bank.notify(ipn);
            assertThat(x.finalCode()).as(ipn.transId() + " / " + ipn.custCode() + " / " + ipn.bankTransId()).isEqualTo("06");
            assertThat(x.attempts()).hasSize(1);
            assertThat(x.allRepliesSigned()).isTrue();
            assertThat(x.finalReply().transId()).isEqualTo(ipn.transId()); // the bank's own transId, as sent
        }
        VietinbankNotification forged = bank.forged(code, 30_000);
        forged = new VietinbankNotification(forged.msgId(), forged.providerId(), forged.transId() + "\u0000", forged.transTime(),
                "C", code, null, null, null, null, null, null, null, "30000", null, null, "VND", forged.signature());
        assertThat(bank.notify(forged).finalCode()).isEqualTo("01");

        assertThat(jdbc.queryForObject("SELECT status FROM vtb_payment_request WHERE cust_code = ?", String.class, code)).isEqualTo("OPEN");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM vtb_transaction WHERE cust_code = ?", Integer.class, code)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM vtb_update_outbox WHERE dossier_code = ?", Integer.class, dossier)).isZero();
        // each refusal has its exception row and its audit records, a NUL shown as U+FFFD
        for (VietinbankNotification ipn : List.of(longBankId, nulTransId, nulCode, tabBankId)) {
            assertThat(jdbc.queryForList("SELECT kind || ':' || reply_code FROM vtb_payment_exception WHERE trans_id = ?", String.class,
                    stored(ipn.transId()))).containsExactly("INVALID:06");
            assertThat(jdbc.queryForList("SELECT direction || ':' || outcome FROM audit_record WHERE correlation_id = ? AND party = 'vietinbank'",
                    String.class, stored(ipn.transId()))).containsExactlyInAnyOrder("IN:INVALID", "OUT:INVALID");
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM vtb_payment_exception WHERE trans_id = ? AND kind = 'INVALID'",
                Integer.class, longTransId.transId().substring(0, 64))).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT cust_code FROM vtb_payment_exception WHERE trans_id = ?", String.class,
                nulCode.transId())).isEqualTo(code + "\uFFFD");
        assertThat(jdbc.queryForList("SELECT kind || ':' || reply_code FROM vtb_payment_exception WHERE trans_id = ?", String.class,
                stored(forged.transId()))).containsExactly("BAD_SIGNATURE:01");
        assertThat(jdbc.queryForList("SELECT direction || ':' || outcome FROM audit_record WHERE correlation_id = ? AND party = 'vietinbank'",
                String.class, stored(forged.transId()))).containsExactlyInAnyOrder("IN:BAD_SIGNATURE", "OUT:BAD_SIGNATURE");
    }

    /** "05" tells the bank "settled": only for the applied transaction itself, not for its transId on another payment. */
    @Test
    void aTransIdAlreadyAppliedToAnotherPaymentIsRefusedNotTakenAsADuplicate() {
        List<String> codes = twoOpenPaymentCodes(4009, 8, 45_000, 55_000);
        String code1 = codes.get(0), code2 = codes.get(1);

        String transId = newTransId();
        assertThat(bank.notify(signed(transId, code1, 45_000, "C", "FT1")).finalCode()).isEqualTo("00");
        Delivery otherCode = bank.notify(signed(transId, code2, 55_000, "C", "FT2"));
        Delivery otherAmount = bank.notify(signed(transId, code1, 46_000, "C", "FT1"));
        assertThat(otherCode.finalCode()).isEqualTo("09");
        assertThat(otherAmount.finalCode()).isEqualTo("09");
        assertThat(otherCode.allRepliesSigned()).isTrue();
        assertThat(bank.notify(signed(transId, code1, 45_000, "C", "FT1")).finalCode()).as("the applied one again").isEqualTo("05");

        assertThat(jdbc.queryForObject("SELECT status FROM vtb_payment_request WHERE cust_code = ?", String.class, code2)).isEqualTo("OPEN");
        assertThat(jdbc.queryForObject("SELECT cust_code FROM vtb_transaction WHERE trans_id = ?", String.class, transId)).isEqualTo(code1);
        assertThat(jdbc.queryForList("SELECT kind || ':' || reply_code || ':' || cust_code FROM vtb_payment_exception WHERE trans_id = ?",
                String.class, transId)).containsExactlyInAnyOrder("TRANS_ID_REUSED:09:" + code2, "TRANS_ID_REUSED:09:" + code1);
    }

    /** The bank's HTTP client may ask for anything: it still gets the protocol reply, not a Spring 406. */
    @Test
    void aNotificationAcceptingOnlyTextGetsTheSignedJsonReply() throws Exception {
        VietinbankNotification ipn = signed(newTransId(), "LG7777777777", 10_000, "C", "FT1");
        for (String accept : List.of("text/plain", "application/xml")) {
            HttpHeaders h = new HttpHeaders();
            h.setContentType(MediaType.APPLICATION_JSON);
            h.set(HttpHeaders.ACCEPT, accept);
            ResponseEntity<String> r = http.exchange(VietinbankNotificationController.PATH, org.springframework.http.HttpMethod.POST,
                    new HttpEntity<>(JSON.writeValueAsString(ipn), h), String.class);
            assertThat(r.getStatusCode().value()).as(accept + ": " + r.getBody()).isEqualTo(200);
            assertThat(r.getHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_JSON)).isTrue();
            VietinbankReply reply = JSON.readValue(r.getBody(), VietinbankReply.class);
            assertThat(reply.errorCode()).isEqualTo("02");
            assertThat(reply.transId()).isEqualTo(ipn.transId());
            assertThat(bank.verifyReply(reply)).isTrue();
        }
    }

    /**
     * A statement line the hub cannot record is that line's problem (INVALID_LINE); the rest of the statement is
     * reconciled and the date is DONE. Before, the insert failed, the whole date was FAILED on every run and the
     * operator's re-run answered 400.
     */
    @Test
    void aStatementLineTheHubCannotRecordIsReportedAndTheRestReconciled() {
        List<String> codes = twoOpenPaymentCodes(4010, 9, 35_000, 65_000);
        String code1 = codes.get(0), code2 = codes.get(1);

        String time = java.time.LocalDateTime.now(VietinbankBankSimulator.VN).format(PaymentNotifications.TRANS_TIME);
        String longTransId = newTransId() + "X".repeat(64);
        String longBankTransId = newTransId();
        String nulTransId = newTransId() + "\u0000";
        bank.bookStatementLine(JSON.createObjectNode().put("transId", longTransId).put("transTime", time).put("custCode", code2)
                .put("amount", "65000").put("bankTransId", "FT1"));
        bank.bookStatementLine(JSON.createObjectNode().put("transId", longBankTransId).put("transTime", time).put("custCode", code2)
                .put("amount", "65000").put("bankTransId", "FT" + "9".repeat(63)));
        bank.bookStatementLine(JSON.createObjectNode().put("transId", nulTransId).put("transTime", time).put("custCode", code2)
                .put("amount", "65000").put("bankTransId", "FT3"));
        VietinbankNotification lost = bank.payWithLostNotification(code1, 35_000);

        LocalDate today = LocalDate.now(VietinbankBankSimulator.VN);
        JsonNode report = reconcile(today);
        assertThat(report.get("status").asText()).isEqualTo("DONE");
        assertThat(report.get("applied").findValuesAsText("transId")).contains(lost.transId());
        List<String> invalid = new ArrayList<>();
        for (JsonNode p : report.get("problems")) if ("INVALID_LINE".equals(p.path("kind").asText())) invalid.add(p.path("transId").asText());
        assertThat(invalid).contains(longTransId, longBankTransId, nulTransId);
        assertThat(jdbc.queryForObject("SELECT status FROM vtb_payment_request WHERE cust_code = ?", String.class, code2)).isEqualTo("OPEN");
        assertThat(jdbc.queryForObject("SELECT status FROM vtb_payment_request WHERE cust_code = ?", String.class, code1)).isEqualTo("PAID");
        assertThat(reconcile(today).get("status").asText()).as("and again").isEqualTo("DONE");
    }

    /**
     * A 200 that is not the statement of the date asked for (no transactions array, another date, another account)
     * fails the run instead of marking the date DONE on an empty statement; the next run, with the statement,
     * reconciles it.
     */
    @Test
    void aReplyThatIsNotTheStatementOfTheDateFailsTheRunUntilTheStatementComes() throws Exception {
        LocalDate date = LocalDate.of(2002, 1, 1).plusDays(ThreadLocalRandom.current().nextInt(0, 3000));
        List<String> notTheStatement = List.of(
                "{\"accountId\":\"" + props.getAccount() + "\",\"date\":\"" + date + "\"}",
                "{\"accountId\":\"" + props.getAccount() + "\",\"date\":\"" + date + "\",\"transactions\":{}}",
                "{\"accountId\":\"" + props.getAccount() + "\",\"date\":\"" + date.plusDays(1) + "\",\"transactions\":[]}",
                "{\"accountId\":\"999" + props.getAccount() + "\",\"date\":\"" + date + "\",\"transactions\":[]}",
                "[]");
        try {
            for (String body : notTheStatement) {
                bank.answerStatementWith(date, body);
                // one request each (TestRestTemplate's client would repeat a 503 by itself)
                java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                        .newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/payments/reconciliation/" + date))
                        .header("Authorization", "Bearer " + TestTokens.operator())
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(body + " -> " + r.body()).isEqualTo(503);
                assertThat(jdbc.queryForObject("SELECT status FROM vtb_reconciliation_run WHERE statement_date = ?", String.class,
                        java.sql.Date.valueOf(date))).isEqualTo("FAILED");
            }
        } finally {
            bank.answerStatementWith(date, null);
        }
        JsonNode report = reconcile(date);
        assertThat(report.get("status").asText()).isEqualTo("DONE");
        assertThat(report.get("runs").asInt()).isEqualTo(notTheStatement.size() + 1);
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * The hub's sessions queued for the payment-request row lock. PostgreSQL queues row-lock waiters behind each
     * other (the second waits on the first's tuple lock), so count every blocked session on that statement.
     * Asked on a fresh transaction each time: statistics views are snapshotted once per transaction.
     */
    private int waitingOn(Connection blocker) throws Exception {
        int blockerPid = blocker.unwrap(org.postgresql.PGConnection.class).getBackendPID();
        return jdbc.queryForObject("SELECT count(*) FROM pg_stat_activity WHERE pid <> ? AND pid <> pg_backend_pid()"
                + " AND cardinality(pg_blocking_pids(pid)) > 0 AND query LIKE '%FROM vtb_payment_request WHERE cust_code = $1 FOR UPDATE%'",
                Integer.class, blockerPid);
    }

    private JsonNode reconcile(LocalDate date) {
        ResponseEntity<String> r = TestTokens.as(http, TestTokens.operator()).postForEntity("/api/v1/payments/reconciliation/" + date, null, String.class);
        assertThat(r.getStatusCode().value()).isEqualTo(200);
        try {
            return JSON.readTree(r.getBody());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private List<JsonNode> updatesOf(String type, Set<String> dossiers) {
        return updates.stream().filter(u -> type.equals(u.path("updateType").asText())
                && dossiers.contains(u.path("dossierCode").asText())).toList();
    }

    private int countIn(String sql, Set<String> codes) {
        String in = codes.stream().map(c -> "?").collect(Collectors.joining(","));
        return jdbc.queryForObject(String.format(sql, in), Integer.class, codes.toArray());
    }

    private Map<String, Map<String, Object>> awaitOpenRequests(Set<String> dossiers) {
        Map<String, Map<String, Object>> found = new ConcurrentHashMap<>();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            String in = dossiers.stream().map(c -> "?").collect(Collectors.joining(","));
            for (Map<String, Object> r : jdbc.queryForList("SELECT dossier_code, cust_code, amount FROM vtb_payment_request"
                    + " WHERE status = 'OPEN' AND dossier_code IN (" + in + ")", dossiers.toArray())) {
                found.put((String) r.get("dossier_code"), r);
            }
            return found.size() == dossiers.size();
        });
        return found;
    }

    /** A genuine notification: signed with the bank's key, not booked in any statement. */
    private VietinbankNotification signed(String transId, String custCode, long amount, String transType, String bankTransId) {
        String time = java.time.LocalDateTime.now(VietinbankBankSimulator.VN).format(PaymentNotifications.TRANS_TIME);
        return bank.sign(new VietinbankNotification("MSG-" + transId, props.getProviderId(), transId, time, transType, custCode,
                "970436", "0011001234567", "NGUYEN VAN AN", props.getAccount(), "UBND TINH", null, null, Long.toString(amount),
                bankTransId, "Thanh toan " + custCode, "VND", null));
    }

    private static String newTransId() {
        return "ITX" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    /** How the hub records a text holding a NUL. */
    private static String stored(String s) {
        return s.replace('\u0000', '\uFFFD');
    }

    private static OffsetDateTime dossierDay(int test) {
        return OffsetDateTime.of(2023, 1, 1, 8, 0, 0, 0, ZoneOffset.ofHours(7)).plusDays(DAY_BASE + test * 311L % 365);
    }

    private static ObjectNode dossierWithFees(DossierEventFactory f, OffsetDateTime day, long fee, long secondFee) {
        ObjectNode d = f.newDossier(day);
        ArrayNode fees = d.putArray("fees");
        fees.addObject().put("code", "LPHS").put("name", "Lệ phí giải quyết hồ sơ").put("amount", fee).put("paid", false);
        if (secondFee > 0) fees.addObject().put("code", "PTD").put("name", "Phí thẩm định").put("amount", secondFee).put("paid", false);
        fees.addObject().put("code", "LPCU").put("name", "Lệ phí đã nộp trước").put("amount", 20_000).put("paid", true);
        return d;
    }

    /** FEE_ASSESSED for the dossier, then its open payment request once the hub has made it. */
    private Map<String, Object> assessAndAwaitRequest(DossierEventFactory f, ObjectNode dossier) {
        assessFees(f, dossier);
        String code = dossier.get("code").asText();
        return awaitOpenRequests(Set.of(code)).get(code);
    }

    private void assessFees(DossierEventFactory f, ObjectNode dossier) {
        ObjectNode detail = JSON.createObjectNode();
        detail.set("fees", dossier.get("fees").deepCopy());
        ObjectNode event = f.event("FEE_ASSESSED", OffsetDateTime.now(ZoneOffset.ofHours(7)), dossier, 6, detail);
        HttpHeaders h = new HttpHeaders();
        h.setContentType(MediaType.APPLICATION_JSON);
        ResponseEntity<String> r = TestTokens.as(http, TestTokens.onestop()).postForEntity("/api/v1/dossier-events", new HttpEntity<>(event.toString(), h), String.class);
        assertThat(r.getStatusCode().value()).as(r.getBody()).isEqualTo(202);
    }

    /** Two dossiers of the same day, each assessed one fee: their open payment codes, in that order. */
    private List<String> twoOpenPaymentCodes(long seed, int day, long amount1, long amount2) {
        DossierEventFactory f = new DossierEventFactory(seed);
        OffsetDateTime at = dossierDay(day);
        ObjectNode d1 = dossierWithFees(f, at, amount1, 0);
        ObjectNode d2 = dossierWithFees(f, at, amount2, 0);
        assessFees(f, d1);
        assessFees(f, d2);
        Map<String, Map<String, Object>> reqs = awaitOpenRequests(Set.of(d1.get("code").asText(), d2.get("code").asText()));
        return List.of((String) reqs.get(d1.get("code").asText()).get("cust_code"), (String) reqs.get(d2.get("code").asText()).get("cust_code"));
    }
}
