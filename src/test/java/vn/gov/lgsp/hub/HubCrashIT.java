package vn.gov.lgsp.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import vn.gov.lgsp.connector.police.simulator.PoliceSimulator;
import vn.gov.lgsp.connector.tax.TaxCallbackConfig;
import vn.gov.lgsp.connector.tax.simulator.TaxOfficeSimulator;
import vn.gov.lgsp.hub.infra.ChildJvm;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.EventPublisher;
import vn.gov.lgsp.hub.infra.HubProcess;
import vn.gov.lgsp.hub.infra.HubProperties;
import vn.gov.lgsp.hub.infra.PortalRecords;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;
import vn.gov.lgsp.hub.infra.TopicRecorder;

/**
 * kill -9 while events flow: the hub runs as a separate process (its own database, topics and Artemis journal
 * on the shared embedded Kafka and PostgreSQL), is killed with SIGKILL in the middle of the traffic, restarted on
 * the same journal and database, and must then have processed every accepted event exactly once: one inbox
 * row and one completed portal work item per event, every PORTAL_SYNCED update published, every dossier at
 * its final status on the portal, nothing backwards, no dead letters; and the agencies' work in flight at the kill
 * (identity checks at the police, declarations at the tax office) done once, each with its one result.
 */
class HubCrashIT {
    private static final int PORTAL_SHARDS = 8;
    private static final int PORTAL_PARALLEL_CALLS = 8;
    // the police and tax queues as their connectors' config.yml has them: what bounds their calls in flight at the kill
    private static final int POLICE_SHARDS = 2;
    private static final int POLICE_PARALLEL_CALLS = 2;
    private static final int TAX_SHARDS = 2;
    /** Events that plan no portal work (routes/): a pickup (VNPost) and the agencies' own. */
    private static final Set<String> NO_PORTAL_WORK = Set.of("PICKUP_REQUESTED", "IDENTITY_CHECK_REQUESTED", "TAX_DECLARATION_SUBMITTED");
    private final List<HubProcess> hubs = new ArrayList<>();
    private PortalSimulator portal;
    private PoliceSimulator police;
    private TaxOfficeSimulator tax;

    @AfterEach
    void stop() throws Exception {
        for (HubProcess hub : hubs) hub.close();
        if (portal != null) portal.close();
        if (police != null) police.close();
        if (tax != null) tax.close();
    }

    /** A hub of its own: database, topics and Artemis journal, on the shared embedded Kafka and PostgreSQL. */
    private record OwnHub(String run, String dbUrl, int port, Map<String, String> props) {}

    private OwnHub ownHub(String prefix) throws Exception {
        EmbeddedInfrastructure infra = SharedInfrastructure.get();
        String run = prefix + UUID.randomUUID().toString().substring(0, 8);
        String dbUrl = ChildJvm.newDatabase(infra, run);
        portal = new PortalSimulator("crash-test", "crash-test-password");
        Path journal = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), run + "-artemis");
        int port = ChildJvm.freePort();
        Map<String, String> props = new HubProperties(infra, dbUrl, run)
                .embeddedBroker(journal)
                .portal(portal, "crash-test", "crash-test-password")
                .partnersOff("zalo", "sms", "vnpost", "vietinbank")
                // the restarted hub gets the killed one's partitions within it
                .kafkaSessionTimeout(Duration.ofSeconds(10))
                // as configured for a province (config/): what bounds the portal calls in flight when the hub is killed
                .put("hub.queues.partners.national-portal.concurrency", Integer.toString(PORTAL_SHARDS))
                .put("hub.queues.partners.national-portal.parallel-calls", Integer.toString(PORTAL_PARALLEL_CALLS))
                .toMap();
        agencies(props, port);
        return new OwnHub(run, dbUrl, port, props);
    }

    /**
     * The police and tax simulators in this JVM (they outlive the hub's kill, as the agencies would), the hub pointed
     * at them. The agencies' slowness is kept short (hundreds of milliseconds, not the demo's 5-30 s), and so are the
     * hub's backoff and the tax answer timeout: a tax answer whose callback hit the dead hub is fetched by the state
     * query after the restart.
     */
    private void agencies(Map<String, String> props, int hubPort) throws Exception {
        police = new PoliceSimulator("crash-police", "crash-police-password");
        police.setDelay(Duration.ofMillis(100), Duration.ofMillis(400));
        police.setSyncWindow(Duration.ofSeconds(1));
        police.setSlowShare(0.2); // answered PENDING, fetched later with GetVerificationResult
        police.setSlowDelay(Duration.ofMillis(1500));
        props.put("hub.partners.police.url", police.address());
        props.put("hub.partners.police.username", "crash-police");
        props.put("hub.partners.police.password", "crash-police-password");
        props.put("hub.queues.partners.police.concurrency", Integer.toString(POLICE_SHARDS));
        props.put("hub.queues.partners.police.parallel-calls", Integer.toString(POLICE_PARALLEL_CALLS));
        props.put("hub.queues.partners.police.rate-limit-per-second", "0");
        props.put("hub.queues.partners.police.backoff-initial", "500ms");
        props.put("hub.queues.partners.police.backoff-max", "2s");
        props.put("hub.queues.partners.police.max-attempts", "60");
        props.put("hub.queues.partners.police.circuit-failure-rate", "100"); // PENDING answers are no outage

        String officeKey = "crash-office-key-" + UUID.randomUUID();
        String hubKey = "crash-hub-key-" + UUID.randomUUID();
        tax = new TaxOfficeSimulator("crash-tax", "crash-tax-password", "lgsp-h45", hubKey.getBytes(StandardCharsets.UTF_8),
                officeKey.getBytes(StandardCharsets.UTF_8), () -> "http://127.0.0.1:" + hubPort + "/services" + TaxCallbackConfig.PATH,
                "tax-office", "crash-office-password");
        tax.setDelay(Duration.ofMillis(100), Duration.ofMillis(800));
        tax.setDuplicateShare(0.2);
        props.put("hub.partners.tax.url", tax.address());
        props.put("hub.partners.tax.username", "crash-tax");
        props.put("hub.partners.tax.password", "crash-tax-password");
        props.put("hub.partners.tax.callback-username", "tax-office");
        props.put("hub.partners.tax.callback-password", "crash-office-password");
        props.put("hub.partners.tax.signing-key-name", "lgsp-h45");
        props.put("hub.partners.tax.signing-key", hubKey);
        props.put("hub.partners.tax.verify-keys.tax-office", officeKey);
        props.put("hub.partners.tax.answer-timeout", "5s");
        props.put("hub.partners.tax.overdue-check-interval", "PT1S");
        props.put("hub.partners.tax.relay-interval", "200ms");
        props.put("hub.queues.partners.tax.concurrency", Integer.toString(TAX_SHARDS));
        props.put("hub.queues.partners.tax.rate-limit-per-second", "0");
        props.put("hub.queues.partners.tax.backoff-initial", "500ms");
        props.put("hub.queues.partners.tax.backoff-max", "2s");
    }

    @Test
    void aHubKilledWhileEventsFlowLosesNothingAndDoesNothingTwiceAfterRestart() throws Exception {
        EmbeddedInfrastructure infra = SharedInfrastructure.get();
        OwnHub hub = ownHub("crash");
        String run = hub.run();
        String dbUrl = hub.dbUrl();
        TopicRecorder updates = TopicRecorder.of(infra.kafkaBootstrap(), run + ".updates");
        DossierEventFactory factory = new DossierEventFactory(System.nanoTime());
        factory.setAgencyShare(0.5); // about half the dossiers ask the police, as many send a tax declaration
        List<ObjectNode> events = new ArrayList<>();
        Set<String> finalPortalDossiers = new HashSet<>();
        List<List<ObjectNode>> lifecycles = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            List<ObjectNode> l = factory.lifecycle(factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN).minusDays(2)));
            lifecycles.add(l);
            finalPortalDossiers.add(l.get(0).get("dossier").get("code").asText());
        }
        // interleave the dossiers, in order per dossier
        int longest = lifecycles.stream().mapToInt(List::size).max().orElse(0);
        for (int step = 0; step < longest; step++) {
            for (List<ObjectNode> l : lifecycles) if (step < l.size()) events.add(l.get(step));
        }
        List<ObjectNode> identityChecks = ofType(events, "IDENTITY_CHECK_REQUESTED");
        List<ObjectNode> declarations = ofType(events, "TAX_DECLARATION_SUBMITTED");
        assertThat(identityChecks).as("identity checks in the traffic").hasSizeGreaterThan(10);
        assertThat(declarations).as("tax declarations in the traffic").hasSizeGreaterThan(10);
        // the first few agency calls are answered before the kill; the later ones are held at the agencies, so the
        // kill always finds police and tax calls in flight (released, and answered into the void, once it is dead)
        police.heldAnswers().hold(8);
        tax.heldSubmissions().hold(6);

        HubProcess first = startHub(hub, "-1").awaitHealthy(Duration.ofMinutes(2));
        int heldAtKill;
        try (EventPublisher kafka = new EventPublisher(infra.kafkaBootstrap(), run + ".events")) {
            int half = events.size() / 2;
            for (int i = 0; i < half; i++) kafka.publish(events.get(i));
            // kill -9 once the hub is visibly in the middle of the work, agencies' calls included
            await().atMost(Duration.ofMinutes(2)).until(() -> PortalRecords.totalReceived(portal) >= 60
                    && police.heldAnswers().held() > 0 && tax.heldSubmissions().held() > 0);
            heldAtKill = police.heldAnswers().held() + tax.heldSubmissions().held();
            first.kill();
            police.heldAnswers().release();
            tax.heldSubmissions().release();
            for (int i = half; i < events.size(); i++) kafka.publish(events.get(i)); // the one-stop system carries on
            startHub(hub, "-2").awaitHealthy(Duration.ofMinutes(2));
        }

        PortalRecords.awaitFinalStatus(portal, finalPortalDossiers, Duration.ofMinutes(3));
        Set<String> expectedUpdates = new HashSet<>();
        events.stream().filter(e -> !NO_PORTAL_WORK.contains(e.get("eventType").asText()))
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
        Map<String, Long> timesReceived = PortalRecords.timesReceived(portal);
        long repeats = PortalRecords.repeats(timesReceived);
        assertThat(timesReceived.values()).as("no record reaches the portal more than twice").allMatch(n -> n <= 2);
        assertThat(repeats).isLessThanOrEqualTo(PORTAL_SHARDS * PORTAL_PARALLEL_CALLS);
        long policeRepeats = assertIdentityChecksDoneOnce(identityChecks, updates, dbUrl);
        long taxRepeats = assertDeclarationsDoneOnce(declarations, updates, dbUrl);
        List<JsonNode> all = updates.all();
        System.out.printf("crash test: %d events, %d portal calls repeated after the kill, %d updates published (%d distinct);"
                        + " %d identity checks (%d police calls repeated), %d tax declarations (%d submissions repeated, %d callbacks"
                        + " lost in the kill, %d state queries), %d agency calls held at the kill%n",
                events.size(), repeats, all.size(), all.stream().map(u -> u.path("updateId").asText()).distinct().count(),
                identityChecks.size(), policeRepeats, declarations.size(), taxRepeats, tax.callbackFailures().size(),
                tax.stateQueries().size(), heldAtKill);
    }

    /**
     * Every identity check has exactly one result (one updateId, one result) on the updates topic and one COMPLETED
     * row; the population database saw each RequestId once, twice for a call in flight at the kill, and no more
     * repeats than police calls can be in flight at once. Returns the repeats.
     */
    private long assertIdentityChecksDoneOnce(List<ObjectNode> checks, TopicRecorder updates, String dbUrl) throws Exception {
        Set<String> requestIds = new HashSet<>();
        checks.forEach(e -> requestIds.add(e.get("eventId").asText() + ":police"));
        Map<String, List<JsonNode>> results = new HashMap<>();
        await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
            results.clear();
            updates.all().stream().filter(u -> u.path("updateType").asText().startsWith("IDENTITY_"))
                    .forEach(u -> results.computeIfAbsent(u.path("detail").path("requestId").asText(), k -> new ArrayList<>()).add(u));
            assertThat(results.keySet()).as("identity checks with a result").containsAll(requestIds);
        });
        for (String id : requestIds) {
            List<JsonNode> r = results.get(id);
            // a repeat after the kill is published under the same updateId with the same answer: one result
            assertThat(r.stream().map(u -> u.path("updateId").asText()).distinct().toList()).as(id).containsExactly("police:" + id);
            assertThat(r.stream().map(u -> u.path("detail").path("result").asText() + "/" + u.path("detail").path("checkId").asText())
                    .distinct().count()).as("results of %s", id).isEqualTo(1);
        }
        Map<String, Integer> seen = police.verifyRequests().perKey();
        assertThat(seen.keySet()).as("RequestIds the population database saw").isEqualTo(requestIds);
        assertThat(seen.values()).as("no check asked more than twice").allMatch(n -> n <= 2);
        long repeats = seen.values().stream().mapToLong(n -> n - 1).sum();
        assertThat(repeats).as("police calls repeated").isLessThanOrEqualTo(POLICE_SHARDS * POLICE_PARALLEL_CALLS);
        try (Connection c = DriverManager.getConnection(dbUrl, "postgres", ""); Statement st = c.createStatement()) {
            assertThat(single(st, "SELECT count(*) FROM police_identity_check WHERE status = 'COMPLETED'")).isEqualTo(checks.size());
            assertThat(single(st, "SELECT count(*) FROM dead_letter WHERE partner = 'police'")).isZero();
        }
        return repeats;
    }

    /**
     * Every declaration reached the tax office under one DocumentId (sent again at most once, and no more repeats
     * than tax calls can be in flight), and its one answer (notice or rejection, as the office decided) was applied
     * and published once, the callbacks lost in the kill found by the hub's state query. Returns the repeats.
     */
    private long assertDeclarationsDoneOnce(List<ObjectNode> declarations, TopicRecorder updates, String dbUrl) throws Exception {
        Map<String, String> expectedAnswers = new HashMap<>(); // documentId -> its answer's updateId
        await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
            for (ObjectNode e : declarations) {
                String code = e.at("/dossier/code").asText();
                List<TaxOfficeSimulator.Filed> filed = tax.filedFor(code);
                assertThat(filed).as("declarations of %s at the tax office", code).hasSize(1);
                TaxOfficeSimulator.Filed f = filed.get(0);
                assertThat(f.answerDocument).as("the office's answer to %s", f.documentId).isNotNull();
                expectedAnswers.put(f.documentId, "tax:" + f.documentId + (f.notice != null ? ":notice" : ":rejection"));
            }
        });
        await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(updates.all().stream()
                .map(u -> u.path("updateId").asText()).toList()).as("tax answers published").containsAll(expectedAnswers.values()));
        for (var e : expectedAnswers.entrySet()) {
            assertThat(updates.all().stream().filter(u -> u.path("updateType").asText().startsWith("TAX_"))
                    .filter(u -> e.getKey().equals(u.path("detail").path("documentId").asText()))
                    .map(u -> u.path("updateId").asText()).distinct().toList()).as(e.getKey()).containsExactly(e.getValue());
        }
        Map<String, Integer> seen = tax.submissions().perKey();
        assertThat(seen.keySet()).as("DocumentIds the tax office received").isEqualTo(expectedAnswers.keySet());
        assertThat(seen.values()).as("no declaration sent more than twice").allMatch(n -> n <= 2);
        long repeats = seen.values().stream().mapToLong(n -> n - 1).sum();
        assertThat(repeats).as("declarations sent again").isLessThanOrEqualTo(TAX_SHARDS);
        try (Connection c = DriverManager.getConnection(dbUrl, "postgres", ""); Statement st = c.createStatement()) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(single(st,
                    "SELECT count(*) FROM tax_declaration WHERE state IN ('NOTICE_ISSUED', 'REJECTED')")).isEqualTo(declarations.size()));
            assertThat(single(st, "SELECT count(*) FROM tax_declaration")).isEqualTo(declarations.size());
            assertThat(single(st, "SELECT count(*) FROM dead_letter WHERE partner = 'tax'")).isZero();
        }
        return repeats;
    }

    private static List<ObjectNode> ofType(List<ObjectNode> events, String type) {
        return events.stream().filter(e -> type.equals(e.get("eventType").asText())).toList();
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
        startHub(hub, "-1");
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

    private static long single(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The hub (as a province runs it) started on its journal, database and port, again after a kill. */
    private HubProcess startHub(OwnHub hub, String suffix) throws Exception {
        HubProcess p = HubProcess.start(hub.run() + suffix, hub.port(), hub.props(), "512m");
        hubs.add(p);
        return p;
    }
}
