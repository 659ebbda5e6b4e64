package vn.gov.lgsp.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import vn.gov.lgsp.connector.nationalportal.simulator.PortalSimulator;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.EventPublisher;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;
import vn.gov.lgsp.hub.infra.TopicRecorder;
import vn.gov.lgsp.hub.infra.TestTokens;

/**
 * The whole path on real infrastructure: events published to Kafka, validated, recorded, routed by
 * routes/*.yaml to the national-portal queue, synced with the portal simulator over HTTP, and the outcomes
 * published to onestop.dossier.updates; plus rejection, deduplication, dead letters, replay and the audit chain.
 */
@HubIntegrationTest
class HubFoundationIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static EventPublisher kafka;
    private static TopicRecorder updates;
    private final DossierEventFactory factory = new DossierEventFactory(System.nanoTime());
    private final ObjectMapper json = new ObjectMapper();

    @Autowired TestRestTemplate http;
    @Autowired JdbcTemplate jdbc;
    @Autowired PortalSimulator portal;
    @Autowired vn.gov.lgsp.hub.work.QueueProperties queues;

    @BeforeAll
    static void connect() {
        kafka = new EventPublisher(SharedInfrastructure.get().kafkaBootstrap(), EmbeddedInfrastructure.EVENTS_TOPIC);
        updates = TopicRecorder.of(SharedInfrastructure.get().kafkaBootstrap(), EmbeddedInfrastructure.UPDATES_TOPIC);
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    private List<ObjectNode> lifecycle() {
        return factory.lifecycle(factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN).minusDays(3)));
    }

    @Test
    void eventsFromKafkaReachThePortalAndTheirUpdatesComeBackInOrder() {
        List<List<ObjectNode>> dossiers = new ArrayList<>();
        for (int i = 0; i < 5; i++) dossiers.add(lifecycle());
        // interleave the dossiers' events as the one-stop system would
        int max = dossiers.stream().mapToInt(List::size).max().orElseThrow();
        for (int step = 0; step < max; step++) {
            for (List<ObjectNode> d : dossiers) if (step < d.size()) kafka.publish(d.get(step));
        }
        for (List<ObjectNode> events : dossiers) {
            String code = events.get(0).get("dossier").get("code").asText();
            // every event but PICKUP_REQUESTED (VNPost work only) goes to the portal, see routes/*.yaml
            List<String> expected = events.stream().filter(e -> !"PICKUP_REQUESTED".equals(e.get("eventType").asText()))
                    .map(e -> e.get("eventId").asText()).toList();
            await().atMost(WAIT).untilAsserted(() -> assertThat(portalSynced(code)).containsExactlyElementsOf(expected));
            assertThat(portal.dossier(code).status).isEqualTo(10);
            assertThat(portal.dossier(code).received).hasSize(expected.size());
            // audit: each event in, each portal call out, each update out
            assertThat(count("SELECT count(*) FROM audit_record WHERE dossier_code = ? AND party = 'onestop' AND direction = 'IN' AND outcome = 'ACCEPTED'", code)).isEqualTo(events.size());
            // updates are published from the work batch before its audit records commit: they may trail by a moment
            await().atMost(WAIT).until(() -> count("SELECT count(*) FROM audit_record WHERE dossier_code = ? AND party = 'national-portal'"
                    + " AND outcome = 'DELIVERED'", code) == expected.size());
            // each PORTAL_SYNCED update published to the one-stop system is audited as sent to it
            await().atMost(WAIT).until(() -> count("SELECT count(*) FROM audit_record WHERE dossier_code = ? AND party = 'onestop'"
                    + " AND direction = 'OUT' AND message_type = 'PORTAL_SYNCED' AND outcome = 'DELIVERED'", code) == expected.size());
            ResponseEntity<JsonNode> timeline = TestTokens.as(http, TestTokens.viewer()).getForEntity("/api/v1/dossiers/" + code + "/timeline", JsonNode.class);
            assertThat(timeline.getBody().get("records").size()).isGreaterThanOrEqualTo(events.size() + 2 * expected.size());
            assertThat(timeline.getBody().toString()).doesNotContain(events.get(0).get("dossier").get("applicant").get("citizenId").asText());
        }
        assertThat(portal.backwardRejections.get()).as(portal.report()).isZero();
    }

    @Test
    void theOffsetsOfEveryPartitionAreCommittedOnceTheirBatchIsDurable() throws Exception {
        // dossiers spread over all the topic's partitions; a consumer's batch takes several of them at once
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ObjectNode received = lifecycle().get(0);
            ids.add(received.get("eventId").asText());
            kafka.publish(received);
        }
        await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT count(*) FROM inbound_event WHERE event_id = ANY (?)",
                Integer.class, (Object) ids.toArray(String[]::new)) == ids.size());
        try (var admin = org.apache.kafka.clients.admin.AdminClient.create(Map.of(
                org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.get().kafkaBootstrap()))) {
            String topic = EmbeddedInfrastructure.EVENTS_TOPIC;
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
            for (int p = 0; p < admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size(); p++) {
                latest.put(new org.apache.kafka.common.TopicPartition(topic, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            var ends = admin.listOffsets(latest).all().get();
            // nothing is left for a restarted hub to take again
            await().atMost(WAIT).untilAsserted(() -> {
                var committed = admin.listConsumerGroupOffsets("lgsp-hub").partitionsToOffsetAndMetadata().get();
                ends.forEach((tp, end) -> assertThat(committed.get(tp)).as("committed offset of " + tp).isNotNull()
                        .extracting(org.apache.kafka.clients.consumer.OffsetAndMetadata::offset).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LONG)
                        .isGreaterThanOrEqualTo(end.offset()));
            });
        }
    }

    @Test
    void anInvalidEventIsRecordedWithItsReasonAndTheConsumerCarriesOn() {
        List<ObjectNode> events = lifecycle();
        ObjectNode bad = events.get(0).deepCopy();
        ((ObjectNode) bad.get("dossier").get("applicant")).put("citizenId", "003190001234");
        kafka.publish(bad);
        kafka.publish(bad.get("dossier").get("code").asText(), "{this is not json");
        kafka.publish(events.get(0));
        String code = events.get(0).get("dossier").get("code").asText();
        await().atMost(WAIT).untilAsserted(() -> assertThat(portalSynced(code)).containsExactly(events.get(0).get("eventId").asText()));
        List<Map<String, Object>> rejected = jdbc.queryForList("SELECT reasons, raw_masked FROM rejected_message WHERE event_id = ?",
                bad.get("eventId").asText());
        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0).get("reasons").toString()).contains("/dossier/applicant/citizenId", "not a province code");
        assertThat(rejected.get(0).get("raw_masked").toString()).doesNotContain("003190001234");
        JsonNode listed = TestTokens.as(http, TestTokens.viewer()).getForEntity("/api/v1/rejected-messages?dossier=" + code, JsonNode.class).getBody();
        assertThat(listed.size()).isEqualTo(1); // the non-JSON record carries no dossier code; it is in the unfiltered list
        assertThat(count("SELECT count(*) FROM rejected_message WHERE reasons LIKE '%not valid JSON%'")).isPositive();
    }

    @Test
    void aRepeatedEventIdIsAcknowledgedAndAppliedOnce() {
        ObjectNode event = lifecycle().get(0);
        String code = event.get("dossier").get("code").asText();
        kafka.publish(event);
        kafka.publish(event);
        await().atMost(WAIT).untilAsserted(() -> assertThat(portalSynced(code)).hasSize(1));
        ResponseEntity<JsonNode> rest = post(event.toString());
        assertThat(rest.getStatusCode().value()).isEqualTo(202);
        assertThat(rest.getBody().get("outcome").asText()).isEqualTo("DUPLICATE");
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM audit_record WHERE correlation_id = ? AND outcome = 'DUPLICATE'",
                event.get("eventId").asText()) == 2);
        assertThat(count("SELECT count(*) FROM inbound_event WHERE event_id = ?", event.get("eventId").asText())).isEqualTo(1);
        assertThat(portal.dossier(code).received).hasSize(1);
        assertThat(portalSynced(code)).hasSize(1);
    }

    @Test
    void restNamesEveryViolationAsProblemJson() {
        ObjectNode event = lifecycle().get(0);
        ((ObjectNode) event.get("dossier")).put("code", "000.00.21.H45-261399-0001");
        ((ObjectNode) event.get("dossier").get("applicant")).put("phone", "12345");
        event.remove("occurredAt");
        ResponseEntity<JsonNode> r = post(event.toString());
        assertThat(r.getStatusCode().value()).isEqualTo(400);
        assertThat(r.getHeaders().getContentType().toString()).startsWith("application/problem+json");
        List<String> fields = new ArrayList<>();
        r.getBody().get("violations").forEach(v -> fields.add(v.get("field").asText()));
        assertThat(fields).contains("/dossier/code", "/dossier/applicant/phone");
        assertThat(r.getBody().toString()).contains("occurredAt");
        assertThat(count("SELECT count(*) FROM inbound_event WHERE event_id = ?", event.get("eventId").asText())).isZero();
    }

    @Test
    void aPartnerFailingOneItemWhileServingOthersDeadLettersItAfterItsAttemptsAndItComesBackByReplay() {
        ObjectNode event = lifecycle().get(0);
        String code = event.get("dossier").get("code").asText();
        String workId = event.get("eventId").asText() + ":national-portal";
        // the portal serves other dossiers meanwhile: its failures of this one count as this item's attempts
        portal.setFailingDossiers(java.util.Set.of(code));
        try {
            kafka.publish(event);
            await().atMost(WAIT).until(() -> {
                kafka.publish(lifecycle().get(0)); // other dossiers keep the portal's circuit closed
                return count("SELECT count(*) FROM dead_letter WHERE work_id = ?", workId) == 1;
            });
        } finally {
            portal.setFailingDossiers(java.util.Set.of());
        }
        Map<String, Object> dl = jdbc.queryForMap("SELECT id, attempts, reason, status FROM dead_letter WHERE work_id = ?", workId);
        int maxAttempts = queues.of("national-portal").getMaxAttempts();
        assertThat(dl.get("attempts")).isEqualTo(maxAttempts);
        assertThat(dl.get("reason").toString()).contains("gave up after " + maxAttempts + " attempts");
        assertThat(count("SELECT count(*) FROM audit_record WHERE correlation_id = ? AND outcome = 'RETRY_SCHEDULED'", workId)).isEqualTo(maxAttempts - 1);
        await().atMost(WAIT).untilAsserted(() -> assertThat(updates.forDossier(code))
                .anySatisfy(u -> assertThat(u.get("updateType").asText()).isEqualTo("INTEGRATION_FAILED")));
        JsonNode listed = TestTokens.as(http, TestTokens.viewer()).getForEntity("/api/v1/dead-letters?partner=national-portal&dossier=" + code, JsonNode.class).getBody();
        assertThat(listed.size()).isEqualTo(1);
        assertThat(listed.get(0).get("attempts").asInt()).isEqualTo(maxAttempts);
        assertThat(listed.get(0).get("payload").asText()).doesNotContain(event.get("dossier").get("applicant").get("phone").asText());

        // the operator named in the audit record is the token's (preferred_username), not a header's
        HttpHeaders h = TestTokens.bearer(TestTokens.user("operator"));
        h.set("X-Operator", "someone.else");
        ResponseEntity<String> replay = http.postForEntity("/api/v1/dead-letters/" + dl.get("id") + "/replay", new HttpEntity<>(null, h), String.class);
        assertThat(replay.getStatusCode().value()).isEqualTo(202);
        await().atMost(WAIT).untilAsserted(() -> assertThat(portalSynced(code)).containsExactly(event.get("eventId").asText()));
        assertThat(portal.dossier(code).received).hasSize(1);
        assertThat(jdbc.queryForObject("SELECT status FROM dead_letter WHERE id = ?", String.class, dl.get("id"))).isEqualTo("REPLAYED");
        assertThat(count("SELECT count(*) FROM audit_record WHERE correlation_id = ? AND outcome = 'REPLAYED' AND detail LIKE '%by test-operator%'", workId)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM audit_record WHERE correlation_id = ? AND detail LIKE '%someone.else%'", workId)).isZero();
        assertThat(http.postForEntity("/api/v1/dead-letters/" + dl.get("id") + "/replay", new HttpEntity<>(null, h), String.class)
                .getStatusCode().value()).isEqualTo(409);
    }

    @Test
    void theAuditChainVerifiesAndNamesAnEditedRecord() {
        ObjectNode event = lifecycle().get(0);
        assertThat(post(event.toString()).getStatusCode().value()).isEqualTo(202);
        long id = jdbc.queryForObject("SELECT id FROM audit_record WHERE correlation_id = ? AND outcome = 'ACCEPTED'", Long.class,
                event.get("eventId").asText());
        assertThat(TestTokens.as(http, TestTokens.auditor()).getForEntity("/api/v1/audit/verify", JsonNode.class).getBody().get("valid").asBoolean()).isTrue();
        String original = jdbc.queryForObject("SELECT outcome FROM audit_record WHERE id = ?", String.class, id);
        // the application cannot change the log: the database refuses (its role may only append)
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> jdbc.update("UPDATE audit_record SET outcome = 'REJECTED' WHERE id = ?", id))
                .hasStackTraceContaining("permission denied");
        try {
            tamper(id, "REJECTED"); // someone with the database owner's rights does it anyway
            JsonNode verify = TestTokens.as(http, TestTokens.auditor()).getForEntity("/api/v1/audit/verify", JsonNode.class).getBody();
            assertThat(verify.get("valid").asBoolean()).isFalse();
            assertThat(verify.get("firstBrokenId").asLong()).isEqualTo(id);
            assertThat(verify.get("problem").asText()).contains("altered");
        } finally {
            tamper(id, original);
        }
        assertThat(TestTokens.as(http, TestTokens.auditor()).getForEntity("/api/v1/audit/verify", JsonNode.class).getBody().get("valid").asBoolean()).isTrue();
    }

    private void tamper(long id, String outcome) {
        // as the schema's owner: the application's own role cannot, even with the maintenance setting
        try (var con = vn.gov.lgsp.hub.infra.SharedInfrastructure.get().ownerConnection(); var st = con.createStatement()) {
            st.execute("SET hub.audit_maintenance = 'on'");
            st.executeUpdate("UPDATE audit_record SET outcome = '" + outcome + "' WHERE id = " + id);
            st.execute("RESET hub.audit_maintenance");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> portalSynced(String code) {
        return updates.forDossier(code).stream().filter(u -> "PORTAL_SYNCED".equals(u.path("updateType").asText()))
                .map(u -> u.path("detail").path("eventId").asText()).toList();
    }

    private long count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Long.class, args);
    }

    private ResponseEntity<JsonNode> post(String body) {
        HttpHeaders h = new HttpHeaders();
        h.setContentType(MediaType.APPLICATION_JSON);
        return TestTokens.as(http, TestTokens.onestop()).postForEntity("/api/v1/dossier-events", new HttpEntity<>(body, h), JsonNode.class);
    }
}
