package vn.gov.lgsp.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.ServerSocket;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vn.gov.lgsp.connector.nationalportal.simulator.PortalSimulator;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;
import vn.gov.lgsp.hub.infra.ChildJvm;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.EventPublisher;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;
import vn.gov.lgsp.hub.infra.TopicRecorder;

/**
 * kill -9 while events flow: the hub runs as a separate process (its own database, topics and Artemis journal
 * on the shared embedded Kafka and PostgreSQL), is killed with SIGKILL in the middle of the traffic, restarted on
 * the same journal and database, and must then have processed every accepted event exactly once: one inbox
 * row and one completed portal work item per event, every PORTAL_SYNCED update published, every dossier at
 * its final status on the portal, nothing backwards, no dead letters.
 */
class HubCrashIT {
    private static final int PORTAL_SHARDS = 8;
    private static final int PORTAL_PARALLEL_CALLS = 8;
    private final List<Process> hubs = new ArrayList<>();
    private PortalSimulator portal;

    @AfterEach
    void stop() {
        hubs.forEach(Process::destroyForcibly);
        if (portal != null) portal.close();
    }

    /** A hub of its own: database, topics and Artemis journal, on the shared embedded Kafka and PostgreSQL. */
    private record OwnHub(String run, String dbUrl, int port, Map<String, String> props) {}

    private OwnHub ownHub(String prefix) throws Exception {
        EmbeddedInfrastructure infra = SharedInfrastructure.get();
        String run = prefix + UUID.randomUUID().toString().substring(0, 8);
        String db = run.toLowerCase();
        try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), "postgres", ""); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + db);
        }
        String dbUrl = infra.jdbcUrl().replace("/postgres?", "/" + db + "?").replaceFirst("/postgres$", "/" + db);
        portal = new PortalSimulator("crash-test", "crash-test-password");
        Path journal = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), run + "-artemis");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> props = new HashMap<>();
        props.put("server.port", Integer.toString(port));
        props.put("spring.datasource.url", dbUrl);
        props.put("spring.datasource.username", "postgres");
        props.put("spring.datasource.password", "");
        props.put("hub.kafka.bootstrap-servers", infra.kafkaBootstrap());
        props.put("hub.security.issuer-uri", infra.issuer().issuer());
        props.put("hub.security.jwk-set-uri", infra.issuer().jwkSetUri());
        props.put("spring.artemis.mode", "embedded");
        props.put("spring.artemis.embedded.persistent", "true");
        props.put("spring.artemis.embedded.data-directory", journal.toString());
        props.put("hub.inbound.topic", run + ".events");
        props.put("hub.inbound.group-id", run);
        props.put("hub.partners.onestop.updates-topic", run + ".updates");
        props.put("hub.partners.national-portal.base-url", portal.baseUrl());
        props.put("hub.partners.national-portal.username", "crash-test");
        props.put("hub.partners.national-portal.password", "crash-test-password");
        for (String off : List.of("zalo", "sms", "vnpost", "vietinbank")) props.put("hub.queues.partners." + off + ".enabled", "false");
        props.put("hub.partners.vnpost.poll.enabled", "false");
        // as configured for a province (config/): what bounds the portal calls in flight when the hub is killed
        props.put("hub.queues.partners.national-portal.concurrency", Integer.toString(PORTAL_SHARDS));
        props.put("hub.queues.partners.national-portal.parallel-calls", Integer.toString(PORTAL_PARALLEL_CALLS));

        return new OwnHub(run, dbUrl, port, props);
    }

    @Test
    void aHubKilledWhileEventsFlowLosesNothingAndDoesNothingTwiceAfterRestart() throws Exception {
        EmbeddedInfrastructure infra = SharedInfrastructure.get();
        OwnHub hub = ownHub("crash");
        String run = hub.run();
        String dbUrl = hub.dbUrl();
        int port = hub.port();
        Map<String, String> props = hub.props();
        TopicRecorder updates = TopicRecorder.of(infra.kafkaBootstrap(), run + ".updates");
        DossierEventFactory factory = new DossierEventFactory(System.nanoTime());
        List<ObjectNode> events = new ArrayList<>();
        Map<String, Integer> finalPortalEvents = new HashMap<>();
        List<List<ObjectNode>> lifecycles = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            List<ObjectNode> l = factory.lifecycle(factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN).minusDays(2)));
            lifecycles.add(l);
            finalPortalEvents.put(l.get(0).get("dossier").get("code").asText(),
                    (int) l.stream().filter(e -> !"PICKUP_REQUESTED".equals(e.get("eventType").asText())).count());
        }
        // interleave the dossiers, in order per dossier
        for (int step = 0; step < 12; step++) {
            for (List<ObjectNode> l : lifecycles) if (step < l.size()) events.add(l.get(step));
        }

        Process first = startHub(props, run + "-1");
        awaitHealthy(port);
        try (EventPublisher kafka = new EventPublisher(infra.kafkaBootstrap(), run + ".events")) {
            int half = events.size() / 2;
            for (int i = 0; i < half; i++) kafka.publish(events.get(i));
            // kill -9 once the hub is visibly in the middle of the work
            await().atMost(Duration.ofMinutes(2)).until(() -> totalReceived() >= 60);
            first.destroyForcibly().waitFor();
            assertThat(first.exitValue()).isEqualTo(137); // SIGKILL: no shutdown hook ran
            for (int i = half; i < events.size(); i++) kafka.publish(events.get(i)); // the one-stop system carries on
            startHub(props, run + "-2");
            awaitHealthy(port);
        }

        await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> {
            for (var e : finalPortalEvents.entrySet()) {
                PortalSimulator.PortalDossier d = portal.dossier(e.getKey());
                assertThat(d).as(e.getKey()).isNotNull();
                assertThat(d.status).as(e.getKey()).isEqualTo(10);
            }
        });
        Set<String> expectedUpdates = new HashSet<>();
        events.stream().filter(e -> !"PICKUP_REQUESTED".equals(e.get("eventType").asText()))
                .forEach(e -> expectedUpdates.add("portal:" + e.get("eventId").asText()));
        try {
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(updates.all().stream()
                    .map(u -> u.path("updateId").asText()).toList()).containsAll(expectedUpdates));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("updates missing on the topic: " + diagnose(dbUrl, expectedUpdates, updates), e);
        }

        try (Connection c = DriverManager.getConnection(dbUrl, "postgres", ""); Statement st = c.createStatement()) {
            assertThat(single(st, "SELECT count(*) FROM inbound_event")).isEqualTo(events.size());
            // a batch publishes its updates just before its completions commit: the last ones may still be committing
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    single(st, "SELECT count(*) FROM work_completion WHERE partner = 'national-portal'")).isEqualTo(expectedUpdates.size()));
            // (the partners switched off here get their work dead-lettered as "partner not enabled": not the portal's)
            assertThat(single(st, "SELECT count(*) FROM dead_letter WHERE partner = 'national-portal'")).isZero();
            assertThat(single(st, "SELECT count(*) FROM audit_record WHERE party = 'onestop' AND direction = 'IN' AND outcome = 'ACCEPTED'"))
                    .isEqualTo(events.size());
            // every call the portal received comes from an event the hub recorded as accepted, inbox and audit alike
            // (work whose intake lost its database commit in the kill is recorded by the worker before the call)
            for (var d : portal.dossiers().entrySet()) {
                for (JsonNode r : List.copyOf(d.getValue().received)) {
                    assertThat(single(st, "SELECT count(*) FROM inbound_event i JOIN audit_record a ON a.correlation_id = i.event_id"
                            + " AND a.party = 'onestop' AND a.direction = 'IN' AND a.outcome = 'ACCEPTED' WHERE i.dossier_code = '"
                            + d.getKey() + "' AND (i.payload::jsonb -> 'dossier' ->> 'status')::int = " + r.get("TrangThaiHoSo").asInt()))
                            .as("inbox and audit record of the event behind %s status %s", d.getKey(), r.get("TrangThaiHoSo"))
                            .isPositive();
                }
            }
        }
        assertThat(portal.backwardRejections.get()).as(portal.report()).isZero();
        assertThat(portal.fieldRejections.get()).as(portal.report()).isZero();
        // a call in flight at the kill (accepted by the portal, its portal_sent row not yet committed) reaches the
        // portal once more after the restart (same data, harmless): at most once per call, and no more calls than
        // can be in flight at once (each shard's parallel calls)
        Map<String, Long> timesReceived = new HashMap<>();
        portal.dossiers().forEach((code, d) -> d.received.forEach(r -> timesReceived.merge(
                code + "/" + r.get("NgayCapNhat").asText() + "/" + r.get("TrangThaiHoSo").asText(), 1L, Long::sum)));
        long repeats = timesReceived.values().stream().mapToLong(n -> n - 1).sum();
        assertThat(timesReceived.values()).as("no record reaches the portal more than twice").allMatch(n -> n <= 2);
        assertThat(repeats).isLessThanOrEqualTo(PORTAL_SHARDS * PORTAL_PARALLEL_CALLS);
        List<JsonNode> all = updates.all();
        System.out.printf("crash test: %d events, %d portal calls repeated after the kill, %d updates published (%d distinct)%n",
                events.size(), repeats, all.size(), all.stream().map(u -> u.path("updateId").asText()).distinct().count());
    }

    /**
     * A hub started while the one-stop system is already sending over REST: between Tomcat opening its port and the
     * routes and queues running, the intake answers 503 (and the client sends again), never 202 for an event it
     * cannot act on. Every event answered 202 gets its partner work, and none is recorded with an empty plan.
     */
    @Test
    void aHubStartedUnderRestTrafficAcceptsNothingItCannotActOn() throws Exception {
        OwnHub hub = ownHub("start");
        DossierEventFactory factory = new DossierEventFactory(System.nanoTime());
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 150; i++) events.add(factory.lifecycle(factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN).minusDays(1))).get(0));
        Map<Integer, Integer> answers = new java.util.concurrent.ConcurrentHashMap<>();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String token = vn.gov.lgsp.hub.infra.TestTokens.onestop();
        Thread sender = new Thread(() -> {
            for (ObjectNode e : events) {
                while (!Thread.currentThread().isInterrupted()) {
                    int status;
                    try {
                        status = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + hub.port() + "/api/v1/dossier-events"))
                                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(e.toString())).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (java.io.IOException notListening) {
                        status = 0; // the port is not open yet
                    } catch (InterruptedException stop) {
                        return;
                    }
                    answers.merge(status, 1, Integer::sum);
                    if (status == 202) break;
                    try {
                        Thread.sleep(50); // the client's own pacing between attempts
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
            }
        }, "one-stop-rest-client");
        sender.start();
        startHub(hub.props(), hub.run() + "-1");
        sender.join(Duration.ofMinutes(4).toMillis());
        assertThat(sender.isAlive()).as("every event answered 202 in the end").isFalse();
        System.out.printf("start under traffic: answers %s%n", answers);
        assertThat(answers).as("only 202, 503 (starting) or no listener yet").containsOnlyKeys(0, 202, 503);
        assertThat(answers.get(202)).isEqualTo(events.size());
        try (Connection c = DriverManager.getConnection(hub.dbUrl(), "postgres", ""); Statement st = c.createStatement()) {
            assertThat(single(st, "SELECT count(*) FROM inbound_event")).isEqualTo(events.size());
            assertThat(single(st, "SELECT count(*) FROM audit_record WHERE party = 'onestop' AND direction = 'IN'"
                    + " AND outcome = 'ACCEPTED' AND detail = 'work for: '")).as("events accepted with an empty plan").isZero();
            // every first event goes to the portal (routes/dossier-received.yaml): its work completes
            await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(
                    single(st, "SELECT count(*) FROM work_completion WHERE partner = 'national-portal'")).isEqualTo(events.size()));
        }
    }

    /** For each missing update: what the hub's database says happened to its work (for the failure message). */
    private static String diagnose(String dbUrl, Set<String> expected, TopicRecorder updates) throws Exception {
        Set<String> seen = new HashSet<>();
        updates.all().forEach(u -> seen.add(u.path("updateId").asText()));
        StringBuilder out = new StringBuilder();
        try (Connection c = DriverManager.getConnection(dbUrl, "postgres", ""); Statement st = c.createStatement()) {
            for (String id : expected) {
                if (seen.contains(id)) continue;
                String eventId = id.substring("portal:".length());
                out.append("\n").append(id).append(": ");
                try (ResultSet rs = st.executeQuery("SELECT party, outcome, correlation_id, detail FROM audit_record WHERE correlation_id IN ('"
                        + eventId + "', '" + eventId + ":national-portal', 'update:" + id + "') ORDER BY id")) {
                    while (rs.next()) out.append(rs.getString(1)).append('/').append(rs.getString(2)).append(' ');
                }
                out.append("\n   dossier timeline: ");
                try (ResultSet rs = st.executeQuery("SELECT a.id, a.party, a.message_type, a.outcome, a.correlation_id, a.detail FROM audit_record a"
                        + " WHERE a.dossier_code = (SELECT dossier_code FROM inbound_event WHERE event_id = '" + eventId + "') ORDER BY a.id")) {
                    while (rs.next()) out.append("\n     ").append(rs.getLong(1)).append(' ').append(rs.getString(2)).append(' ')
                            .append(rs.getString(3)).append(' ').append(rs.getString(4)).append(' ').append(rs.getString(5))
                            .append(' ').append(rs.getString(6) == null ? "" : rs.getString(6).substring(0, Math.min(120, rs.getString(6).length())));
                }
                try (ResultSet rs = st.executeQuery("SELECT work_id FROM work_completion WHERE work_id IN ('" + eventId
                        + ":national-portal', 'update:" + id + "')")) {
                    while (rs.next()) out.append("done:").append(rs.getString(1)).append(' ');
                }
            }
        }
        return out.toString();
    }

    private int totalReceived() {
        return portal.dossiers().values().stream().mapToInt(d -> d.received.size()).sum();
    }

    private static long single(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A hub JVM of its own (as a province runs it), killed or stopped by the test. */
    private Process startHub(Map<String, String> props, String name) throws Exception {
        Process p = ChildJvm.start(HubApplication.class, props, name, "512m");
        hubs.add(p);
        return p;
    }

    private static void awaitHealthy(int port) {
        ChildJvm.awaitHealthy(port, Duration.ofMinutes(2));
    }
}
