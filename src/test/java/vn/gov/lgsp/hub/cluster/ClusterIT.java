package vn.gov.lgsp.hub.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vn.gov.lgsp.connector.nationalportal.simulator.PortalSimulator;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;
import vn.gov.lgsp.hub.infra.ChildJvm;
import vn.gov.lgsp.hub.infra.EmbeddedArtemisSettings;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.EventPublisher;
import vn.gov.lgsp.hub.infra.HubProcess;
import vn.gov.lgsp.hub.infra.HubProperties;
import vn.gov.lgsp.hub.infra.PortalRecords;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;
import vn.gov.lgsp.hub.infra.TopicRecorder;

/**
 * Three hub instances as a cluster: separate JVMs sharing one Kafka (one consumer group), one PostgreSQL database
 * and one Artemis broker (standalone, TCP, the hub's address settings), while dossier events flow: the first two
 * start, the third joins mid-run, the first is killed with SIGKILL and the second stopped gracefully, and the
 * third finishes the work. Every event has one inbox row, every portal work item one completion, the portal
 * sees no dossier go backwards and nothing sent more than the calls in flight at the kill allow, every update
 * is published, the audit chain verifies, and the scheduled jobs ran under their cluster locks.
 */
class ClusterIT {
    private static final int PORTAL_SHARDS = 8;
    private static final int PORTAL_PARALLEL_CALLS = 8;
    private final Map<String, HubProcess> hubs = new LinkedHashMap<>();
    private PortalSimulator portal;
    private EmbeddedActiveMQ broker;

    @AfterEach
    void stop() throws Exception {
        for (HubProcess hub : hubs.values()) hub.close();
        if (portal != null) portal.close();
        if (broker != null) broker.stop();
    }

    @Test
    void threeInstancesShareTheWorkAndSurviveAKillAStopAndAJoinWithoutLossRepeatsOrReorder() throws Exception {
        EmbeddedInfrastructure infra = SharedInfrastructure.get();
        String run = "cluster" + UUID.randomUUID().toString().substring(0, 8);
        String dbUrl = ChildJvm.newDatabase(infra, run);
        portal = new PortalSimulator("cluster-test", "cluster-test-password");
        int brokerPort = ChildJvm.freePort();
        broker = EmbeddedArtemisSettings.standaloneBroker(brokerPort, Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), run + "-artemis"));
        infra.createTopics(run + ".events", run + ".updates");

        Map<String, String> props = new HubProperties(infra, dbUrl, run)
                .broker("tcp://localhost:" + brokerPort)
                .portal(portal, "cluster-test", "cluster-test-password")
                .partnersOff("zalo", "sms", "vnpost", "vietinbank")
                .kafkaSessionTimeout(Duration.ofSeconds(10)) // the killed member's partitions go to the others within it
                .put("spring.datasource.hikari.maximum-pool-size", "16")
                .put("hub.partners.sms.release-interval", "500ms") // a singleton job that runs often: its lock is seen below
                .put("hub.queues.partners.national-portal.concurrency", Integer.toString(PORTAL_SHARDS))
                .put("hub.queues.partners.national-portal.parallel-calls", Integer.toString(PORTAL_PARALLEL_CALLS))
                .toMap();

        TopicRecorder updates = TopicRecorder.of(infra.kafkaBootstrap(), run + ".updates");
        DossierEventFactory factory = new DossierEventFactory(System.nanoTime());
        List<List<ObjectNode>> lifecycles = new ArrayList<>();
        Set<String> codes = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            List<ObjectNode> l = factory.lifecycle(factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN).minusDays(2)));
            lifecycles.add(l);
            codes.add(l.get(0).get("dossier").get("code").asText());
        }
        List<ObjectNode> events = new ArrayList<>();
        for (int step = 0; step < 12; step++) {
            for (List<ObjectNode> l : lifecycles) if (step < l.size()) events.add(l.get(step));
        }
        int quarter = events.size() / 4;

        // the first two, one after the other: each shard queue is exclusive, worked by its first consumer, so the first
        // instance holds every shard and its kill below hands them over, calls in flight included (started side by
        // side, whichever came up first would hold them, and the kill might hand over none)
        start("hub-1", props, run);
        hubs.get("hub-1").awaitHealthy(Duration.ofMinutes(3));
        start("hub-2", props, run);
        hubs.get("hub-2").awaitHealthy(Duration.ofMinutes(3));

        try (EventPublisher kafka = new EventPublisher(infra.kafkaBootstrap(), run + ".events")) {
            for (int i = 0; i < quarter; i++) kafka.publish(events.get(i));
            await().atMost(Duration.ofMinutes(2)).until(() -> PortalRecords.totalReceived(portal) >= quarter / 2);

            // a third instance joins while the work flows
            start("hub-3", props, run);
            for (int i = quarter; i < 2 * quarter; i++) kafka.publish(events.get(i));
            hubs.get("hub-3").awaitHealthy(Duration.ofMinutes(3));
            await().atMost(Duration.ofMinutes(2)).until(() -> PortalRecords.totalReceived(portal) >= quarter);

            // the first is killed in the middle of the work: its shards and partitions go to the others
            for (int i = 2 * quarter; i < 3 * quarter; i++) kafka.publish(events.get(i));
            await().atMost(Duration.ofMinutes(2)).until(() -> PortalRecords.totalReceived(portal) >= quarter * 3 / 2);
            hubs.get("hub-1").kill();

            // the second is stopped gracefully (SIGTERM) while work flows: the third is left with everything
            for (int i = 3 * quarter; i < events.size() - quarter / 2; i++) kafka.publish(events.get(i));
            hubs.get("hub-2").stop(Duration.ofSeconds(90));
            for (int i = events.size() - quarter / 2; i < events.size(); i++) kafka.publish(events.get(i));
        }

        // the survivor takes over every shard and partition: all the work completes
        PortalRecords.awaitFinalStatus(portal, codes, Duration.ofMinutes(3));
        Set<String> expectedUpdates = new HashSet<>();
        events.stream().filter(e -> !"PICKUP_REQUESTED".equals(e.get("eventType").asText()))
                .forEach(e -> expectedUpdates.add("portal:" + e.get("eventId").asText()));
        // Known limit (README "Several instances"): when a shard changes instance, a dossier's earlier portal work may be
        // overtaken by its later work; the portal connector then skips it as stale (the portal never goes backwards)
        // and no PORTAL_SYNCED update is published for it. Those are counted and bounded like the repeats; any other
        // missing update (work completed, update never published) fails the test.
        Set<String> overtaken = new HashSet<>();
        try {
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
                Set<String> missing = new HashSet<>(expectedUpdates);
                updates.all().forEach(u -> missing.remove(u.path("updateId").asText()));
                overtaken.clear();
                overtaken.addAll(skippedAsStale(dbUrl, missing));
                missing.removeAll(overtaken);
                assertThat(missing).isEmpty();
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            Set<String> missing = new HashSet<>(expectedUpdates);
            missing.removeAll(overtaken);
            throw new AssertionError("updates missing on the topic: " + diagnose(dbUrl, missing, updates), e);
        }
        assertThat(overtaken.size()).as("portal work overtaken at a shard handover and skipped as stale: %s", overtaken)
                .isLessThanOrEqualTo(PORTAL_SHARDS * PORTAL_PARALLEL_CALLS);
        try (Connection c = DriverManager.getConnection(dbUrl, "postgres", ""); Statement st = c.createStatement()) {
            assertThat(single(st, "SELECT count(*) FROM inbound_event")).isEqualTo(events.size());
            assertThat(single(st, "SELECT count(DISTINCT event_id) FROM inbound_event")).isEqualTo(events.size());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    single(st, "SELECT count(*) FROM work_completion WHERE partner = 'national-portal'")).isEqualTo(expectedUpdates.size()));
            assertThat(single(st, "SELECT count(DISTINCT correlation_id) FROM audit_record WHERE party = 'national-portal'"
                    + " AND outcome = 'SKIPPED'")).as("portal work skipped as stale").isEqualTo(overtaken.size());
            // (the partners switched off here get their work dead-lettered as "partner not enabled": not the portal's)
            assertThat(single(st, "SELECT count(*) FROM dead_letter WHERE partner = 'national-portal'")).isZero();
            assertThat(single(st, "SELECT count(*) FROM audit_record WHERE party = 'onestop' AND direction = 'IN' AND outcome = 'ACCEPTED'"))
                    .isEqualTo(events.size());
            // the singleton jobs ran under their cluster-wide locks (the SMS release every 500 ms on each instance)
            assertThat(single(st, "SELECT count(*) FROM shedlock WHERE name = 'sms-release'")).isEqualTo(1);
        }
        assertThat(portal.backwardRejections.get()).as(portal.report()).isZero();
        assertThat(portal.fieldRejections.get()).as(portal.report()).isZero();
        Map<String, Long> timesReceived = PortalRecords.timesReceived(portal);
        long repeats = PortalRecords.repeats(timesReceived);
        assertThat(timesReceived.values()).as("no record reaches the portal more than twice").allMatch(n -> n <= 2);
        // repeats come only from calls in flight at the kill (each shard's parallel calls); a graceful stop adds none
        assertThat(repeats).isLessThanOrEqualTo(PORTAL_SHARDS * PORTAL_PARALLEL_CALLS);

        HttpResponse<String> verify = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + hubs.get("hub-3").port() + "/api/v1/audit/verify"))
                .header("Authorization", "Bearer " + vn.gov.lgsp.hub.infra.TestTokens.auditor()).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode chain = new ObjectMapper().readTree(verify.body());
        assertThat(chain.path("valid").asBoolean()).as(verify.body()).isTrue();
        assertThat(chain.path("recordsChecked").asLong()).isGreaterThan(events.size());

        List<JsonNode> all = updates.all();
        System.out.printf("cluster test: %d events over 3 instances (1 killed, 1 stopped, 1 joined), %d portal calls repeated,"
                        + " %d portal work items overtaken at a handover (skipped as stale), %d updates published (%d distinct),"
                        + " %d audit records verified%n", events.size(), repeats, overtaken.size(), all.size(),
                all.stream().map(u -> u.path("updateId").asText()).distinct().count(), chain.path("recordsChecked").asLong());
    }

    /** Of the missing updates, those whose portal work completed as SKIPPED: stale, the portal having a later status. */
    private static Set<String> skippedAsStale(String dbUrl, Set<String> missing) throws Exception {
        Set<String> stale = new HashSet<>();
        try (Connection c = DriverManager.getConnection(dbUrl, "postgres", ""); Statement st = c.createStatement()) {
            for (String id : missing) {
                String eventId = id.substring("portal:".length());
                if (single(st, "SELECT count(*) FROM audit_record WHERE party = 'national-portal' AND outcome = 'SKIPPED'"
                        + " AND correlation_id = '" + eventId + ":national-portal' AND detail LIKE 'stale:%'") > 0
                        && single(st, "SELECT count(*) FROM work_completion WHERE work_id = '" + eventId + ":national-portal'") == 1) {
                    stale.add(id);
                }
            }
        }
        return stale;
    }

    /** For each missing update: what the database says happened to its work (for the failure message). */
    private static String diagnose(String dbUrl, Set<String> expected, TopicRecorder updates) throws Exception {
        Set<String> seen = new HashSet<>();
        updates.all().forEach(u -> seen.add(u.path("updateId").asText()));
        StringBuilder out = new StringBuilder();
        try (Connection c = DriverManager.getConnection(dbUrl, "postgres", ""); Statement st = c.createStatement()) {
            for (String id : expected) {
                if (seen.contains(id)) continue;
                String eventId = id.substring("portal:".length());
                out.append("\n").append(id).append(": dossier timeline:");
                try (ResultSet rs = st.executeQuery("SELECT a.id, a.recorded_at, a.party, a.message_type, a.outcome, a.correlation_id, a.detail"
                        + " FROM audit_record a WHERE a.dossier_code = (SELECT dossier_code FROM inbound_event WHERE event_id = '"
                        + eventId + "') ORDER BY a.id")) {
                    while (rs.next()) out.append("\n     ").append(rs.getLong(1)).append(' ').append(rs.getString(2)).append(' ')
                            .append(rs.getString(3)).append(' ').append(rs.getString(4)).append(' ').append(rs.getString(5))
                            .append(' ').append(rs.getString(6)).append(' ').append(rs.getString(7) == null ? ""
                                    : rs.getString(7).substring(0, Math.min(120, rs.getString(7).length())));
                }
                try (ResultSet rs = st.executeQuery("SELECT work_id, completed_at, left(updates, 200) FROM work_completion WHERE work_id IN ('" + eventId
                        + ":national-portal', 'update:" + id + "')")) {
                    while (rs.next()) out.append("\n   done: ").append(rs.getString(1)).append(' ').append(rs.getString(2))
                            .append(" updates: ").append(rs.getString(3));
                }
            }
        }
        return out.toString();
    }

    private void start(String name, Map<String, String> props, String run) throws Exception {
        hubs.put(name, HubProcess.start(run + "-" + name, ChildJvm.freePort(), props, "384m"));
    }

    private static long single(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
