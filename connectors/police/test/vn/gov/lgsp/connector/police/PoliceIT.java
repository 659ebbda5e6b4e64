package vn.gov.lgsp.connector.police;

import static org.assertj.core.api.Assertions.assertThat;
import vn.gov.lgsp.hub.infra.TestTokens;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.connector.police.simulator.PoliceSimulator;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;
import vn.gov.lgsp.hub.infra.TopicRecorder;

/**
 * End to end: IDENTITY_CHECK_REQUESTED events over REST, the police shard queues (Artemis), SOAP with a
 * UsernameToken over loopback HTTP to the population database simulator, police_identity_check in PostgreSQL, and
 * IDENTITY_VERIFIED / IDENTITY_MISMATCH updates on the Kafka topic onestop.dossier.updates.
 */
@HubIntegrationTest
class PoliceIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Autowired TestRestTemplate http;
    @Autowired JdbcTemplate jdbc;
    @Autowired PoliceSimulator sim;

    private final TopicRecorder updates = TopicRecorder.of(SharedInfrastructure.get().kafkaBootstrap(), EmbeddedInfrastructure.UPDATES_TOPIC);

    @AfterEach
    void tearDown() {
        sim.reset();
    }

    /** One identity check of the test: its event and the result the database must give. */
    private record Check(String dossier, ObjectNode event, String result, List<String> fields) {
        String requestId() {
            return event.get("eventId").asText() + ":police";
        }
    }

    @Test
    void twoHundredChecksWithSlowAnswersAndQuotaFaultsGiveEachCheckExactlyOneResultInOrderPerDossier() {
        sim.setSlowShare(0.2);
        sim.setSlowDelay(Duration.ofMillis(1500)); // beyond the 600 ms synchronous window: answered PENDING, fetched later
        sim.setQuotaFaultRate(0.15);

        List<Check> checks = new ArrayList<>();
        Map<String, List<Check>> byDossier = new LinkedHashMap<>();
        for (int i = 0; i < 150; i++) {
            String code = PoliceTestEvents.newDossierCode();
            String id = PoliceTestEvents.citizenId(60 + i % 40, 100_000 + i * 7);
            LocalDate dob = LocalDate.of(1960 + i % 40, 1 + i % 12, 1 + i % 28);
            String name = "Nguyễn Văn An " + i;
            List<Check> mine = new ArrayList<>();
            if (i % 3 == 0) {
                // registered; first asked with a misspelt name, then corrected: MISMATCH then MATCH, in that order
                sim.register(id, name, dob);
                mine.add(new Check(code, PoliceTestEvents.identityCheck(PoliceTestEvents.dossier(code, name + "x", id), dob),
                        "MISMATCH", List.of("FULL_NAME")));
                mine.add(new Check(code, PoliceTestEvents.identityCheck(PoliceTestEvents.dossier(code, name, id), dob), "MATCH", List.of()));
            } else if (i % 3 == 1) {
                sim.register(id, name, dob);
                mine.add(new Check(code, PoliceTestEvents.identityCheck(PoliceTestEvents.dossier(code, name, id), dob.plusDays(1)),
                        "MISMATCH", List.of("DATE_OF_BIRTH")));
            } else {
                String unknown = String.format("0221%02d%03d999", 60 + i % 40, i); // ends 999: not in the database
                mine.add(new Check(code, PoliceTestEvents.identityCheck(PoliceTestEvents.dossier(code, name, unknown), dob), "NOT_FOUND", List.of()));
            }
            byDossier.put(code, mine);
            checks.addAll(mine);
        }
        assertThat(checks).hasSize(200);
        for (Check c : checks) post(c.event());

        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> checks.stream().allMatch(c -> !results(c).isEmpty()));

        for (Check c : checks) {
            List<JsonNode> r = results(c);
            assertThat(r).as("results of " + c.requestId()).hasSize(1);
            JsonNode detail = r.get(0).path("detail");
            assertThat(detail.path("result").asText()).as(c.requestId()).isEqualTo(c.result());
            // the contract's type says it alone: a one-stop system reading only the type never takes a mismatch for a match
            assertThat(r.get(0).path("updateType").asText()).as(c.requestId())
                    .isEqualTo("MATCH".equals(c.result()) ? "IDENTITY_VERIFIED" : "IDENTITY_MISMATCH");
            List<String> fields = new ArrayList<>();
            detail.path("mismatchedFields").forEach(f -> fields.add(f.asText()));
            assertThat(fields).as(c.requestId()).isEqualTo(c.fields());
            assertThat(detail.path("citizenId").asText()).contains("*").doesNotContain(c.event().at("/dossier/applicant/citizenId").asText());
            assertThat(r.get(0).path("updateId").asText()).isEqualTo("police:" + c.requestId());
        }
        // in the order they were requested, per dossier
        for (List<Check> mine : byDossier.values()) {
            if (mine.size() < 2) continue;
            List<String> order = updates.forDossier(mine.get(0).dossier()).stream()
                    .filter(u -> u.path("updateType").asText().startsWith("IDENTITY_"))
                    .map(u -> u.path("detail").path("requestId").asText()).distinct().toList();
            assertThat(order).containsExactly(mine.get(0).requestId(), mine.get(1).requestId());
        }
        // the failure modes did happen, and none of them became a result or a dead letter
        assertThat(sim.quotaFaults()).isGreaterThan(5);
        assertThat(sim.calls().stream().filter(c -> "PENDING".equals(c.outcome())).count()).isGreaterThan(5);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dead_letter WHERE partner = 'police' AND dossier_code LIKE 'G22.61-%'"
                + " AND dossier_code = ANY (?)", Integer.class, (Object) byDossier.keySet().toArray(String[]::new))).isZero();
        // checked once each at the database: a repeated RequestId is never a second check
        assertThat(jdbc.queryForObject("SELECT count(*) FROM police_identity_check WHERE status = 'COMPLETED' AND dossier_code = ANY (?)",
                Integer.class, (Object) byDossier.keySet().toArray(String[]::new))).isEqualTo(200);
    }

    @Test
    void nationalPortalWorkCompletesWhilePoliceAnswersArePending() {
        sim.heldAnswers().hold(0); // the population database keeps every answer back
        List<Check> checks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String code = PoliceTestEvents.newDossierCode();
            String id = PoliceTestEvents.citizenId(75, 500_000 + i);
            checks.add(new Check(code, PoliceTestEvents.identityCheck(PoliceTestEvents.dossier(code, "Trần Thị Bình", id),
                    LocalDate.of(1975, 5, 5)), "MATCH", List.of()));
        }
        checks.forEach(c -> post(c.event()));
        // police calls are in flight (held) before the portal work is even sent
        await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT count(*) FROM police_identity_check WHERE dossier_code = ANY (?)",
                Integer.class, (Object) checks.stream().map(Check::dossier).toArray(String[]::new)) > 0);

        List<ObjectNode> received = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String code = PoliceTestEvents.newDossierCode();
            received.add(PoliceTestEvents.event("DOSSIER_RECEIVED", PoliceTestEvents.dossier(code, "Lê Văn Cường", PoliceTestEvents.citizenId(80, 600_000 + i)), null));
        }
        received.forEach(this::post);
        await().atMost(WAIT).until(() -> received.stream().allMatch(e -> completed(e.get("eventId").asText() + ":national-portal")));

        // the portal is done while not one identity check has been answered
        assertThat(checks).noneMatch(c -> completed(c.requestId()));
        assertThat(checks).allMatch(c -> results(c).isEmpty());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM police_identity_check WHERE status = 'COMPLETED' AND dossier_code = ANY (?)",
                Integer.class, (Object) checks.stream().map(Check::dossier).toArray(String[]::new))).isZero();

        sim.heldAnswers().release();
        await().atMost(WAIT).until(() -> checks.stream().allMatch(c -> results(c).size() == 1));
        assertThat(checks).allMatch(c -> "MATCH".equals(results(c).get(0).path("detail").path("result").asText()));
    }

    @Test
    void anAnswerWithACheckReferenceTooLongToKeepIsADeadLetterNotAnEndlessRedelivery() {
        sim.setCheckIdLength(65);
        String code = PoliceTestEvents.newDossierCode();
        String id = PoliceTestEvents.citizenId(70, 700_001);
        ObjectNode event = PoliceTestEvents.identityCheck(PoliceTestEvents.dossier(code, "Đinh Văn Hùng", id), LocalDate.of(1970, 7, 7));
        post(event);
        await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT count(*) FROM dead_letter WHERE partner = 'police' AND dossier_code = ?",
                Integer.class, code) == 1);
        assertThat(jdbc.queryForObject("SELECT reason FROM dead_letter WHERE partner = 'police' AND dossier_code = ?", String.class, code))
                .contains("CHECK_ID_TOO_LONG");
        assertThat(sim.verifyRequests().perKey().get(event.get("eventId").asText() + ":police")).as("asked once, not again and again").isEqualTo(1);
    }

    private List<JsonNode> results(Check c) {
        return updates.forDossier(c.dossier()).stream()
                .filter(u -> u.path("updateType").asText().startsWith("IDENTITY_"))
                .filter(u -> c.requestId().equals(u.path("detail").path("requestId").asText()))
                .toList();
    }

    private boolean completed(String workId) {
        return jdbc.queryForObject("SELECT count(*) FROM work_completion WHERE work_id = ?", Integer.class, workId) == 1;
    }

    private void post(ObjectNode event) {
        HttpHeaders h = TestTokens.bearer(TestTokens.onestop());
        h.setContentType(MediaType.APPLICATION_JSON);
        ResponseEntity<String> r = http.postForEntity("/api/v1/dossier-events", new HttpEntity<>(event.toString(), h), String.class);
        assertThat(r.getStatusCode().value()).as(r.getBody()).isEqualTo(202);
    }
}
