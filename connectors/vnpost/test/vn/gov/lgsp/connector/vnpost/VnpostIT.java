package vn.gov.lgsp.connector.vnpost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.connector.vnpost.dto.CreateOrderRequest;
import vn.gov.lgsp.connector.vnpost.dto.VnpostOrder;
import vn.gov.lgsp.connector.vnpost.simulator.VnpostSimulator;
import vn.gov.lgsp.hub.infra.DatabaseOutage;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;
import vn.gov.lgsp.hub.model.DossierEvent;
import vn.gov.lgsp.hub.infra.TestTokens;

/**
 * End to end: dossier events in over REST, the hub's durable queues, real HTTP to the VNPost simulator,
 * PostgreSQL rows, and the updates on Kafka topic onestop.dossier.updates.
 */
@HubIntegrationTest
class VnpostIT {
    private static final Duration WAIT = Duration.ofSeconds(40);

    @Autowired TestRestTemplate http;
    @Autowired JdbcTemplate jdbc;
    @Autowired VnpostSimulator sim;
    @Autowired VnpostClient client;
    @Autowired VnpostOrderMapper mapper;
    @Autowired ObjectMapper json;
    @Autowired MeterRegistry metrics;

    private KafkaConsumer<String, String> updates;
    private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();
    private long defaultStep;

    @BeforeEach
    void setUp() {
        sim.reset();
        defaultStep = sim.statusStepMillis();
        updates = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.get().kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "vnpost-it-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        List<TopicPartition> parts = updates.partitionsFor(EmbeddedInfrastructure.UPDATES_TOPIC).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        updates.assign(parts);
        updates.seekToBeginning(parts);
    }

    @AfterEach
    void tearDown() {
        sim.reset();
        sim.setStatusStepMillis(defaultStep);
        updates.close();
    }

    // ------------------------------------------------------------------------------------------ Done-when tests

    @Test
    void postalResultGetsExactlyOneDeliveryOrderInTheWireFormatWithCodEqualToUnpaidFees() throws Exception {
        String code = VnpostTestEvents.newDossierCode();
        ObjectNode ready = VnpostTestEvents.resultReady(VnpostTestEvents.dossier(code));
        // the same event three times (a one-stop system retrying), and the same fact under two new eventIds
        postEvent(ready);
        postEvent(ready);
        postEvent(ready);
        ObjectNode again1 = ready.deepCopy().put("eventId", UUID.randomUUID().toString());
        ObjectNode again2 = ready.deepCopy().put("eventId", UUID.randomUUID().toString());
        postEvent(again1);
        postEvent(again2);
        String sale = code + "-KQ";

        await().atMost(WAIT).until(() -> completed(ready) && completed(again1) && completed(again2));
        assertThat(sim.ordersWithSaleOrderCode(sale)).hasSize(1);
        assertThat(jdbc.queryForList("SELECT state FROM vnpost_order WHERE dossier_code = ?", String.class, code))
                .containsExactly("OPEN");
        assertThat(jdbc.queryForObject("SELECT item_code FROM vnpost_order WHERE dossier_code = ?", String.class, code))
                .isEqualTo(sim.ordersWithSaleOrderCode(sale).get(0).itemCode);

        // what VNPost received: field names and JSON types of the wire format
        JsonNode body = sim.ordersWithSaleOrderCode(sale).get(0).request;
        assertThat(body.get("orderCreationStatus").isInt()).isTrue();
        assertThat(body.get("orderCreationStatus").asInt()).isEqualTo(1);
        assertThat(body.get("type").asText()).isEqualTo("GUI");
        assertThat(body.get("customerCode").isTextual()).isTrue();
        assertThat(body.get("contractCode").asText()).isEqualTo("HD-LGSP-QN");
        JsonNode info = body.get("informationOrder");
        for (String f : List.of("senderName", "senderPhone", "senderAddress", "senderProvinceCode", "senderDistrictCode",
                "senderCommuneCode", "receiverName", "receiverPhone", "receiverAddress", "receiverProvinceCode",
                "receiverDistrictCode", "receiverCommuneCode", "serviceCode", "saleOrderCode", "contentNote", "weight",
                "width", "length", "height", "vehicle", "sendType", "isBroken", "deliveryTime", "deliveryRequire")) {
            assertThat(info.get(f)).as(f).isNotNull();
            assertThat(info.get(f).isTextual()).as(f + " is a string").isTrue();
        }
        assertThat(info.get("weight").asText()).matches("\\d+");
        assertThat(info.get("saleOrderCode").asText()).isEqualTo(sale);
        assertThat(info.get("receiverName").asText()).isEqualTo("Nguyễn Thị Hồng Nhung");
        assertThat(info.get("receiverPhone").asText()).isEqualTo("0912345678");
        assertThat(info.get("receiverProvinceCode").asText()).isEqualTo("22");
        assertThat(info.get("receiverCommuneCode").asText()).isEqualTo("22768");
        assertThat(info.get("receiverDistrictCode").asText()).isEqualTo("VNPOST");
        assertThat(info.get("senderName").asText()).isEqualTo("Bộ phận Một cửa UBND huyện Vân Đồn");
        assertThat(info.get("addonService").isArray()).isTrue();
        assertThat(info.get("addonService")).hasSize(1);
        assertThat(info.get("addonService").get(0).get("code").asText()).isEqualTo("GTG021");
        assertThat(info.get("addonService").get(0).get("propValue").asText()).isEqualTo("PROP0018:75000"); // 20,000 was paid
        assertThat(jdbc.queryForObject("SELECT cod_amount FROM vnpost_order WHERE dossier_code = ?", Long.class, code)).isEqualTo(75000L);

        // the order is audited, and personal data in the audit copy is masked
        String audited = jdbc.queryForObject("SELECT masked_payload FROM audit_record WHERE party = 'vnpost' AND dossier_code = ?"
                + " AND outcome = 'DELIVERED' ORDER BY id LIMIT 1", String.class, code);
        assertThat(audited).contains(sale).doesNotContain("0912345678").doesNotContain("Lê Lợi");
        // the delivery order's tracking reaches the one-stop system, ending with the COD remittance
        await().atMost(WAIT).until(() -> updateTypes(code).contains("COD_REMITTED"));
        assertThat(updateTypes(code)).containsSubsequence("POSTAL_ORDER_CREATED", "RESULT_SHIPPED", "RESULT_DELIVERED", "COD_REMITTED");
    }

    @Test
    void orderAcceptedByVnpostButNotRecordedByTheHubIsFoundNotCreatedAgain() throws Exception {
        String code = VnpostTestEvents.newDossierCode();
        // VNPost creates the order but the answer never arrives intact (as if the hub died before recording it)
        sim.faults().acceptThenFailNext.set(1);
        int lookUps = sim.calls("getOrder");
        postEvent(VnpostTestEvents.pickupRequested(VnpostTestEvents.dossier(code)));

        await().atMost(WAIT).until(() -> "OPEN".equals(state(code, "PICKUP")));
        assertThat(sim.ordersWithSaleOrderCode(code + "-HS")).hasSize(1);
        assertThat(sim.calls("getOrder")).isGreaterThan(lookUps);
        assertThat(jdbc.queryForObject("SELECT item_code FROM vnpost_order WHERE dossier_code = ? AND purpose = 'PICKUP'", String.class, code))
                .isEqualTo(sim.ordersWithSaleOrderCode(code + "-HS").get(0).itemCode);
        // the work's audit record commits with its completion, after the order's row: waited for, not raced
        await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE party = 'vnpost'"
                + " AND dossier_code = ? AND detail LIKE 'found existing PICKUP order%'", Integer.class, code) == 1);
    }

    /**
     * The kill -9 case, approximated: the database is left exactly as a hub killed after VNPost accepted the order
     * leaves it (the row claimed, the attempt counted, no result recorded; the order exists at VNPost), then the
     * work arrives again as it would after the restart.
     */
    @Test
    void hubKilledAfterVnpostAcceptedTheOrderStillHasOneOrderAfterRestart() throws Exception {
        String code = VnpostTestEvents.newDossierCode();
        ObjectNode event = VnpostTestEvents.resultReady(VnpostTestEvents.dossier(code));
        CreateOrderRequest request = mapper.delivery(json.treeToValue(event, DossierEvent.class), java.util.Map.of());
        jdbc.update("INSERT INTO vnpost_order (dossier_code, purpose, sale_order_code, work_id, state, create_attempts, cod_amount)"
                + " VALUES (?, 'DELIVERY', ?, ?, 'CREATING', 1, 75000)", code, code + "-KQ", "crashed:vnpost");
        VnpostOrder before = client.createOrder(request); // the call the killed hub made
        postEvent(event);

        await().atMost(WAIT).until(() -> "OPEN".equals(state(code, "DELIVERY")));
        assertThat(sim.ordersWithSaleOrderCode(code + "-KQ")).hasSize(1);
        assertThat(jdbc.queryForObject("SELECT item_code FROM vnpost_order WHERE dossier_code = ?", String.class, code))
                .isEqualTo(before.itemCode());
    }

    /**
     * A look-up that ignores saleOrderCode (answering every order, another citizen's first) must not make the hub
     * link someone else's parcel to this dossier: it creates the dossier's own order.
     */
    @Test
    void aLookUpIgnoringItsFilterDoesNotAdoptAnotherCitizensOrder() throws Exception {
        String code = VnpostTestEvents.newDossierCode();
        ObjectNode otherEvent = VnpostTestEvents.resultReady(VnpostTestEvents.dossier(VnpostTestEvents.newDossierCode()));
        // the newest order VNPost holds, so the first of an unfiltered answer
        VnpostOrder foreign = client.createOrder(mapper.delivery(json.treeToValue(otherEvent, DossierEvent.class), Map.of()));
        crashedBeforeAnyOrder(code);
        sim.faults().getOrderIgnoresFilter = true;
        int lookUps = sim.calls("getOrder");
        postEvent(VnpostTestEvents.resultReady(VnpostTestEvents.dossier(code)));

        await().atMost(WAIT).until(() -> "OPEN".equals(state(code, "DELIVERY")));
        assertThat(sim.calls("getOrder")).isGreaterThan(lookUps);
        assertThat(sim.ordersWithSaleOrderCode(code + "-KQ")).hasSize(1);
        assertThat(jdbc.queryForObject("SELECT item_code FROM vnpost_order WHERE dossier_code = ?", String.class, code))
                .isNotEqualTo(foreign.itemCode())
                .isEqualTo(sim.ordersWithSaleOrderCode(code + "-KQ").get(0).itemCode);
    }

    /** VNPost answering the look-up 404 means "no such order": the hub creates it, no dead letter. */
    @Test
    void aLookUpAnswered404CreatesTheOrder() throws Exception {
        String code = VnpostTestEvents.newDossierCode();
        crashedBeforeAnyOrder(code);
        sim.faults().getOrderUnknownAs404 = true;
        int lookUps = sim.calls("getOrder");
        postEvent(VnpostTestEvents.resultReady(VnpostTestEvents.dossier(code)));

        await().atMost(WAIT).until(() -> "OPEN".equals(state(code, "DELIVERY")));
        assertThat(sim.calls("getOrder")).isGreaterThan(lookUps);
        assertThat(sim.ordersWithSaleOrderCode(code + "-KQ")).hasSize(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dead_letter WHERE partner = 'vnpost' AND dossier_code = ?",
                Integer.class, code)).isZero();
    }

    @Test
    void ordersWaitDurablyWhileVnpostIsDownAndAreCreatedOnceAfterRecovery() throws Exception {
        List<String> codes = List.of(VnpostTestEvents.newDossierCode(), VnpostTestEvents.newDossierCode(), VnpostTestEvents.newDossierCode());
        sim.goDown(); // connection refused
        for (String code : codes) postEvent(VnpostTestEvents.resultReady(VnpostTestEvents.dossier(code)));

        // each order has failed and is scheduled again, more than once (once the circuit is open the worker waits for
        // VNPost to come back without using up attempts: WAITING_FOR_PARTNER)
        await().atMost(WAIT).until(() -> codes.stream().allMatch(c -> jdbc.queryForObject(
                "SELECT count(*) FROM audit_record WHERE party = 'vnpost' AND dossier_code = ?"
                        + " AND outcome IN ('RETRY_SCHEDULED', 'WAITING_FOR_PARTNER')",
                Integer.class, c) >= 2));
        for (String code : codes) {
            assertThat(sim.ordersWithSaleOrderCode(code + "-KQ")).isEmpty();
            // no row yet (the circuit breaker turned the call away before it started) or a claimed, unfinished one
            assertThat(state(code, "DELIVERY")).isIn(null, "CREATING");
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dead_letter WHERE partner = 'vnpost' AND dossier_code IN (?,?,?)",
                Integer.class, codes.toArray())).isZero();

        sim.comeUp();
        await().atMost(WAIT).until(() -> codes.stream().allMatch(c -> "OPEN".equals(state(c, "DELIVERY"))));
        for (String code : codes) assertThat(sim.ordersWithSaleOrderCode(code + "-KQ")).hasSize(1);
    }

    @Test
    void aFeePaidBetweenTwoCreateOrderAttemptsIsNotCollectedAtTheDoorAndTheStoredCodIsTheOrdersOwn() throws Exception {
        String code = VnpostTestEvents.newDossierCode();
        sim.faults().failureRate = 1.0; // every call answered 503: the first attempt fails
        postEvent(VnpostTestEvents.resultReady(VnpostTestEvents.dossier(code)));
        await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT coalesce(max(create_attempts), 0) FROM vnpost_order"
                + " WHERE dossier_code = ?", Integer.class, code) >= 1);
        assertThat(jdbc.queryForObject("SELECT cod_amount FROM vnpost_order WHERE dossier_code = ?", Long.class, code)).isEqualTo(75000L);
        // meanwhile the citizen pays the unpaid fee by transfer (the core's record of a bank payment)
        jdbc.update("INSERT INTO dossier_payment (update_id, dossier_code, source, payment_code, amount, fees, paid_at)"
                + " VALUES (?, ?, 'vietinbank', 'LG0000000001', 75000, '[{\"code\":\"LPXD\",\"amount\":75000}]', now())",
                "vietinbank:it-" + code, code);
        sim.faults().failureRate = 0;
        await().atMost(WAIT).until(() -> "OPEN".equals(state(code, "DELIVERY")));
        JsonNode info = sim.ordersWithSaleOrderCode(code + "-KQ").get(0).request.get("informationOrder");
        assertThat(info.toString()).as("no cash on delivery").doesNotContain("PROP0018");
        assertThat(jdbc.queryForObject("SELECT cod_amount FROM vnpost_order WHERE dossier_code = ?", Long.class, code)).isZero();
    }

    @Test
    void pickupStatusSequenceReachesTheUpdatesTopicInOrderEachOnce() throws Exception {
        String code = VnpostTestEvents.newDossierCode();
        postEvent(VnpostTestEvents.pickupRequested(VnpostTestEvents.dossier(code)));

        await().atMost(WAIT).until(() -> "CLOSED".equals(state(code, "PICKUP")));
        List<String> expected = List.of("PICKUP_SCHEDULED", "POSTAL_STATUS_CHANGED", "POSTAL_STATUS_CHANGED",
                "DOSSIER_PICKED_UP", "POSTAL_STATUS_CHANGED", "POSTAL_STATUS_CHANGED", "POSTAL_STATUS_CHANGED",
                "POSTAL_STATUS_CHANGED", "DOSSIER_DELIVERED_TO_CENTRE");
        await().atMost(WAIT).until(() -> updatesOf(code).size() >= expected.size());
        // a few more poll rounds must not repeat anything
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5)).until(() -> updatesOf(code).size() == expected.size());

        List<JsonNode> got = updatesOf(code);
        assertThat(got).extracting(u -> u.get("updateType").asText()).containsExactlyElementsOf(expected);
        assertThat(got).extracting(u -> u.get("detail").get("statusCode").asInt()).containsExactlyElementsOf(VnpostSimulator.NORMAL);
        String item = jdbc.queryForObject("SELECT item_code FROM vnpost_order WHERE dossier_code = ?", String.class, code);
        assertThat(got).extracting(u -> u.get("updateId").asText()).doesNotHaveDuplicates()
                .startsWith("vnpost:" + item + ":1").endsWith("vnpost:" + item + ":14");
        assertThat(got).allMatch(u -> u.get("source").asText().equals("vnpost"));
        // each status stored once and audited once
        assertThat(jdbc.queryForObject("SELECT count(*) FROM vnpost_status s JOIN vnpost_order o ON o.id = s.order_id"
                + " WHERE o.dossier_code = ?", Integer.class, code)).isEqualTo(expected.size());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE party = 'vnpost' AND dossier_code = ?"
                + " AND message_type LIKE 'TRACKING_%' AND outcome = 'ACCEPTED'", Integer.class, code)).isEqualTo(expected.size());
    }

    @Test
    void forgedPushIsRejectedWith401AndChangesNothingWhileASignedPushIsApplied() throws Exception {
        String code = VnpostTestEvents.newDossierCode();
        String item = orderLeftAtCreated(code);
        int statusRows = statusRows(code);

        String delivered = pushBody(item, 14, OffsetDateTime.now(VnpostTestEvents.VN).plusSeconds(1));
        String ts = String.valueOf(Instant.now().getEpochSecond());
        ResponseEntity<String> forged = push(delivered, ts, "sha256=" + VnpostPushController.sign("guessed-secret", ts,
                delivered.getBytes(StandardCharsets.UTF_8)));
        assertThat(forged.getStatusCode().value()).isEqualTo(401);
        ResponseEntity<String> unsigned = push(delivered, null, null);
        assertThat(unsigned.getStatusCode().value()).isEqualTo(401);
        // timestamps beyond what a date can hold are refused as too far from now (not a 500), audited and counted
        int rejectedBefore = rejectedPushes();
        double staleBefore = refused("stale_timestamp");
        for (String absurd : List.of("99999999999999999", "-99999999999999999", String.valueOf(Long.MIN_VALUE))) {
            ResponseEntity<String> r = signedPush(delivered, absurd);
            assertThat(r.getStatusCode().value()).as(absurd + ": " + r.getBody()).isEqualTo(401);
            assertThat(r.getHeaders().getContentType()).hasToString("application/problem+json");
            assertThat(json.readTree(r.getBody()).get("detail").asText()).contains("timestamp outside the allowed window");
        }
        assertThat(rejectedPushes()).isGreaterThanOrEqualTo(rejectedBefore + 3);
        assertThat(refused("stale_timestamp")).isGreaterThanOrEqualTo(staleBefore + 3);
        // a status name longer than the hub stores is refused with the reason, not cut short silently
        String longName = pushBody(item, 14, OffsetDateTime.now(VnpostTestEvents.VN).plusSeconds(1)).replace("\"test\"",
                "\"" + "Đ".repeat(201) + "\"");
        ResponseEntity<String> tooLong = signedPush(longName, ts);
        assertThat(tooLong.getStatusCode().value()).as(tooLong.getBody()).isEqualTo(400);
        assertThat(tooLong.getHeaders().getContentType()).hasToString("application/problem+json");
        assertThat(json.readTree(tooLong.getBody()).get("detail").asText()).contains("statusName");
        assertThat(statusRows(code)).isEqualTo(statusRows);
        assertThat(state(code, "DELIVERY")).isEqualTo("OPEN");

        // a signed push of a status VNPost never documented: kept and reported, not dropped
        String unknown = pushBody(item, 77, OffsetDateTime.now(VnpostTestEvents.VN).plusSeconds(2));
        ResponseEntity<String> ok = signedPush(unknown, ts);
        assertThat(ok.getStatusCode().value()).isEqualTo(200);
        await().atMost(WAIT).until(() -> updateTypes(code).contains("POSTAL_STATUS_UNKNOWN"));
        assertThat(updateTypes(code)).doesNotContain("RESULT_DELIVERED");
        assertThat(statusRows(code)).isEqualTo(statusRows + 1);
        // the same push again (VNPost retrying) changes nothing
        ResponseEntity<String> repeat = signedPush(unknown, ts);
        assertThat(json.readTree(repeat.getBody()).get("accepted").asInt()).isZero();
        assertThat(statusRows(code)).isEqualTo(statusRows + 1);
    }

    @Test
    void aPushDuringADatabaseOutageIsAnswered503AndAppliedWhenVnpostSendsItAgain() throws Exception {
        String code = VnpostTestEvents.newDossierCode();
        String item = orderLeftAtCreated(code);
        int statusRows = statusRows(code);

        String body = pushBody(item, 78, OffsetDateTime.now(VnpostTestEvents.VN).plusSeconds(1));
        String ts = String.valueOf(Instant.now().getEpochSecond());
        ResponseEntity<String> whileDown;
        try (DatabaseOutage down = DatabaseOutage.begin()) {
            whileDown = signedPush(body, ts);
        }
        assertThat(whileDown.getStatusCode().value()).as(whileDown.getBody()).isEqualTo(503);
        assertThat(whileDown.getHeaders().getFirst("Retry-After")).isNotBlank();
        assertThat(whileDown.getHeaders().getContentType()).hasToString("application/problem+json");

        // VNPost sends the same push again until it is answered 200 (the hub's pool reconnects meanwhile)
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> signedPush(body, ts).getStatusCode().value() == 200);
        assertThat(statusRows(code)).isEqualTo(statusRows + 1);
        await().atMost(WAIT).until(() -> updateTypes(code).contains("POSTAL_STATUS_UNKNOWN"));
    }

    // ------------------------------------------------------------------------------------------ failure handling

    @Test
    void rejectedAddressIsNotRetriedAndBecomesADeadLetterAndIntegrationFailed() throws Exception {
        sim.faults().rejectedAddressWords.add("Khu tập thể không tồn tại");
        String code = VnpostTestEvents.newDossierCode();
        ObjectNode dossier = VnpostTestEvents.dossier(code);
        ((ObjectNode) dossier.get("applicant").get("address")).put("street", "Khu tập thể không tồn tại");
        postEvent(VnpostTestEvents.resultReady(dossier));

        await().atMost(WAIT).until(() -> updateTypes(code).contains("INTEGRATION_FAILED"));
        // the batch publishes the INTEGRATION_FAILED update first, then commits the dead letter
        await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT count(*) FROM dead_letter WHERE partner = 'vnpost' AND dossier_code = ?",
                Integer.class, code) == 1);
        String reason = jdbc.queryForObject("SELECT reason FROM dead_letter WHERE partner = 'vnpost' AND dossier_code = ?", String.class, code);
        assertThat(reason).contains("INVALID_ADDRESS").contains("Địa chỉ không hợp lệ");
        JsonNode failed = updatesOf(code).stream().filter(u -> u.get("updateType").asText().equals("INTEGRATION_FAILED")).findFirst().orElseThrow();
        assertThat(failed.get("detail").get("reason").asText()).contains("Địa chỉ không hợp lệ");
        long calls = sim.createOrderBodies().stream()
                .filter(b -> b.path("informationOrder").path("saleOrderCode").asText().equals(code + "-KQ")).count();
        assertThat(calls).isEqualTo(1); // a business refusal is not retried
        assertThat(sim.ordersWithSaleOrderCode(code + "-KQ")).isEmpty();
    }

    @Test
    void expiredTokenIsRefreshedOnceAndTheOrderStillGoesThrough() throws Exception {
        sim.expireAllTokens();
        int fetches = sim.calls("GetAccessToken");
        String code = VnpostTestEvents.newDossierCode();
        postEvent(VnpostTestEvents.resultReady(VnpostTestEvents.dossier(code)));
        await().atMost(WAIT).until(() -> "OPEN".equals(state(code, "DELIVERY")));
        assertThat(sim.calls("GetAccessToken")).isEqualTo(fetches + 1);
        assertThat(sim.ordersWithSaleOrderCode(code + "-KQ")).hasSize(1);
    }

    @Test
    void serverErrorsAreRetriedUntilTheOrderIsCreatedOnce() throws Exception {
        sim.faults().failureRate = 0.7;
        List<String> codes = List.of(VnpostTestEvents.newDossierCode(), VnpostTestEvents.newDossierCode());
        for (String code : codes) postEvent(VnpostTestEvents.pickupRequested(VnpostTestEvents.dossier(code)));
        await().atMost(WAIT).until(() -> codes.stream().allMatch(c -> "OPEN".equals(state(c, "PICKUP")) || "CLOSED".equals(state(c, "PICKUP"))));
        for (String code : codes) assertThat(sim.ordersWithSaleOrderCode(code + "-HS")).hasSize(1);
    }

    @Test
    void withdrawnDossierCancelsItsOpenPickupOrder() throws Exception {
        sim.setStatusStepMillis(600_000); // not yet picked up: VNPost still accepts a cancellation
        String code = VnpostTestEvents.newDossierCode();
        ObjectNode dossier = VnpostTestEvents.dossier(code);
        postEvent(VnpostTestEvents.pickupRequested(dossier));
        await().atMost(WAIT).until(() -> "OPEN".equals(state(code, "PICKUP")));
        postEvent(VnpostTestEvents.event("DOSSIER_WITHDRAWN", dossier, VnpostTestEvents.JSON.createObjectNode().put("reason", "Công dân rút hồ sơ")));

        await().atMost(WAIT).until(() -> "CANCELLED".equals(state(code, "PICKUP")));
        await().atMost(WAIT).until(() -> updateTypes(code).contains("POSTAL_ORDER_CANCELLED"));
        assertThat(sim.calls("orderCancel")).isPositive();
        // a later result-ready for the withdrawn dossier creates nothing
        assertThat(state(code, "DELIVERY")).isEqualTo("CANCELLED");
    }

    // ------------------------------------------------------------------------------------------ helpers

    private void postEvent(ObjectNode event) {
        HttpHeaders h = new HttpHeaders();
        h.setContentType(MediaType.APPLICATION_JSON);
        ResponseEntity<String> r = TestTokens.as(http, TestTokens.onestop()).postForEntity("/api/v1/dossier-events", new HttpEntity<>(event.toString(), h), String.class);
        assertThat(r.getStatusCode().value()).as(r.getBody()).isEqualTo(202);
    }

    private boolean completed(ObjectNode event) {
        return jdbc.queryForObject("SELECT count(*) FROM work_completion WHERE work_id = ?", Integer.class,
                event.get("eventId").asText() + ":vnpost") == 1;
    }

    private String state(String code, String purpose) {
        List<String> s = jdbc.queryForList("SELECT state FROM vnpost_order WHERE dossier_code = ? AND purpose = ?", String.class, code, purpose);
        return s.isEmpty() ? null : s.get(0);
    }

    /** The row a hub leaves when it died after counting a CreateOrder attempt that never reached VNPost. */
    private void crashedBeforeAnyOrder(String code) {
        jdbc.update("INSERT INTO vnpost_order (dossier_code, purpose, sale_order_code, work_id, state, create_attempts, cod_amount)"
                + " VALUES (?, 'DELIVERY', ?, ?, 'CREATING', 1, 75000)", code, code + "-KQ", "crashed:vnpost");
    }

    private int rejectedPushes() {
        return jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE party = 'vnpost' AND message_type = 'STATUS_PUSH'"
                + " AND outcome = 'REJECTED'", Integer.class);
    }

    private double refused(String reason) {
        var c = metrics.find("hub.security.refused").tag("endpoint", "partner-vnpost").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    private int statusRows(String code) {
        return jdbc.queryForObject("SELECT count(*) FROM vnpost_status s JOIN vnpost_order o ON o.id = s.order_id WHERE o.dossier_code = ?",
                Integer.class, code);
    }

    private synchronized List<JsonNode> updatesOf(String code) throws Exception {
        for (ConsumerRecord<String, String> r : updates.poll(Duration.ofMillis(200))) seen.add(r);
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<String, String> r : seen) {
            if (code.equals(r.key())) out.add(json.readTree(r.value()));
        }
        return out;
    }

    /** A result-delivery order for a new dossier, created at VNPost and left there: its item code. */
    private String orderLeftAtCreated(String code) throws Exception {
        sim.setStatusStepMillis(600_000); // this order stays at "created" unless told otherwise
        postEvent(VnpostTestEvents.resultReady(VnpostTestEvents.dossier(code)));
        await().atMost(WAIT).until(() -> updateTypes(code).contains("POSTAL_ORDER_CREATED"));
        return jdbc.queryForObject("SELECT item_code FROM vnpost_order WHERE dossier_code = ?", String.class, code);
    }

    private List<String> updateTypes(String code) throws Exception {
        return updatesOf(code).stream().map(u -> u.get("updateType").asText()).toList();
    }

    private static String pushBody(String itemCode, int status, OffsetDateTime at) {
        return "{\"data\":[{\"itemCode\":\"" + itemCode + "\",\"statusHistory\":[{\"statusCode\":" + status
                + ",\"statusName\":\"test\",\"createdDate\":\"" + at.format(java.time.format.DateTimeFormatter.ofPattern("dd/MM/yyyy"))
                + "\",\"createHour\":\"" + at.format(java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss")) + "\"}]}]}";
    }

    /** A push signed as VNPost signs it, with the test profile's shared secret. */
    private ResponseEntity<String> signedPush(String body, String ts) {
        return push(body, ts, "sha256=" + VnpostPushController.sign("test-only-push-secret", ts, body.getBytes(StandardCharsets.UTF_8)));
    }

    private ResponseEntity<String> push(String body, String ts, String signature) {
        HttpHeaders h = new HttpHeaders();
        h.setContentType(MediaType.APPLICATION_JSON);
        if (ts != null) h.set(VnpostPushController.TIMESTAMP, ts);
        if (signature != null) h.set(VnpostPushController.SIGNATURE, signature);
        return http.postForEntity(VnpostPushController.PATH, new HttpEntity<>(body.getBytes(StandardCharsets.UTF_8), h), String.class);
    }
}
