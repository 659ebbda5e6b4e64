package vn.gov.lgsp.hub.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vn.gov.lgsp.connector.nationalportal.simulator.PortalSimulator;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;
import vn.gov.lgsp.hub.infra.ChildJvm;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.EventPublisher;
import vn.gov.lgsp.hub.infra.HubProcess;
import vn.gov.lgsp.hub.infra.HubProperties;
import vn.gov.lgsp.hub.infra.PortalRecords;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;
import vn.gov.lgsp.hub.infra.TestTokens;

/**
 * README "Changing a partner's shard count", step by step, with the portal's work piled up on its shards (the portal
 * was down) and more of the same dossiers' events arriving during the change: the hub is restarted on an empty
 * drain topic, works the queues off once the portal is back, the operator waits for hub_queue_depth 0 and no
 * waiting lines, and the hub is redeployed on the real topic with fewer shards (5 -> 3: the case where work left
 * on the old shards 3 and 4 would never be worked). Nothing is lost, nothing overtaken, no dossier goes backwards
 * at the portal, and the old shards are empty.
 */
class ShardCountChangeIT {
    private static final String PORTAL = "national-portal";
    private static final Pattern DEPTH = Pattern.compile("(?m)^hub_queue_depth\\{[^}]*partner=\"national-portal\"[^}]*\\} (\\S+)$");
    private final Map<String, HubProcess> hubs = new HashMap<>();
    private PortalSimulator portal;
    private DeployKitBroker broker;

    @AfterEach
    void stop() throws Exception {
        for (HubProcess hub : hubs.values()) hub.close();
        if (portal != null) portal.close();
        if (broker != null) broker.close();
    }

    @Test
    void aPartnersShardCountChangesByTheDocumentedProcedureWithoutLossOrReorder() throws Exception {
        EmbeddedInfrastructure infra = SharedInfrastructure.get();
        String run = "shards" + UUID.randomUUID().toString().substring(0, 8);
        String dbUrl = ChildJvm.newDatabase(infra, run);
        String topic = run + ".events";
        String drain = topic + ".drain";
        infra.createTopics(topic, run + ".updates");
        String brokerPassword = UUID.randomUUID().toString();
        broker = DeployKitBroker.start(ChildJvm.freePort(), brokerPassword,
                Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), run + "-artemis"));
        portal = new PortalSimulator("shards-test", "shards-test-password");
        portal.setDown(true); // the portal's work piles up on its shards

        Map<String, String> props = new HubProperties(infra, dbUrl, run)
                .broker(broker.url())
                .put("spring.artemis.user", DeployKitBroker.HUB_USER)
                .put("spring.artemis.password", brokerPassword)
                .portal(portal, "shards-test", "shards-test-password")
                .partnersOff("zalo", "sms", "vnpost", "vietinbank")
                .put("hub.metrics.refresh", "1000") // the gauge the procedure watches, refreshed every second
                // the portal's outage and return at the test profile's pace (application-test.yml): retries, circuit and
                // the next try of waiting work within a second, not the production settings (its config.yml: 10 s and
                // more between retries, a 30 s circuit, 5 s between tries of each dossier's waiting work) that would be
                // most of this test's time
                .put("hub.queues.partners.national-portal.backoff-initial", "200ms")
                .put("hub.queues.partners.national-portal.backoff-max", "1s")
                .put("hub.queues.partners.national-portal.circuit-open-for", "500ms")
                .put("hub.queues.partners.national-portal.outage-retry-delay", "500ms")
                .toMap();

        DossierEventFactory factory = new DossierEventFactory(System.nanoTime());
        List<List<ObjectNode>> lifecycles = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            lifecycles.add(factory.lifecycle(factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN).minusDays(2))));
        }
        List<ObjectNode> before = new ArrayList<>();
        List<ObjectNode> during = new ArrayList<>();
        for (int step = 0; step < 12; step++) {
            for (List<ObjectNode> l : lifecycles) if (step < l.size()) (step < 5 ? before : during).add(l.get(step));
        }
        int all = before.size() + during.size();
        long portalWork = lifecycles.stream().flatMap(List::stream)
                .filter(e -> !"PICKUP_REQUESTED".equals(e.get("eventType").asText())).count();

        // the hub with 5 portal shards takes the first part of the lifecycles; the portal is down
        int port = ChildJvm.freePort();
        startHub("before", props, port, topic, 5, run);
        try (EventPublisher kafka = new EventPublisher(infra.kafkaBootstrap(), topic)) {
            for (ObjectNode e : before) kafka.publish(e);
            await().atMost(Duration.ofMinutes(2)).until(() -> count(dbUrl, "SELECT count(*) FROM inbound_event") == before.size());
            await().atMost(Duration.ofMinutes(1)).until(() -> broker.messageCount("hub.work." + PORTAL + ".") > 0);
            long waiting = broker.messageCount("hub.work." + PORTAL + ".");

            // 1. an empty topic with the same partitions; 2. the hubs restarted on it
            infra.createTopics(drain);
            stopHub("before");
            startHub("draining", props, port, drain, 5, run);
            portal.setDown(false);
            // the one-stop system keeps publishing on the real topic: it waits there meanwhile
            for (ObjectNode e : during) kafka.publish(e);

            // 3. hub_queue_depth{partner="national-portal"} 0 and no waiting lines for the partner
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() ->
                    queueDepth(http, port) == 0 && count(dbUrl, "SELECT count(*) FROM work_hold WHERE partner = '" + PORTAL + "'") == 0);
            assertThat(count(dbUrl, "SELECT count(*) FROM inbound_event")).as("nothing taken from the real topic while draining")
                    .isEqualTo(before.size());

            // 4. redeployed on the real topic with 3 shards
            stopHub("draining");
            startHub("after", props, port, topic, 3, run);
            System.out.printf("shard count change: %d portal work items waiting on 5 shards when the drain began, %d events"
                    + " published during the change%n", waiting, during.size());
        }

        PortalRecords.awaitFinalStatus(portal, lifecycles.stream().map(l -> l.get(0).get("dossier").get("code").asText()).toList(),
                Duration.ofMinutes(3));
        assertThat(count(dbUrl, "SELECT count(DISTINCT event_id) FROM inbound_event")).isEqualTo(all);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                count(dbUrl, "SELECT count(*) FROM work_completion WHERE partner = '" + PORTAL + "'")).isEqualTo(portalWork));
        assertThat(count(dbUrl, "SELECT count(*) FROM audit_record WHERE party = '" + PORTAL + "' AND outcome = 'SKIPPED'"))
                .as("portal work overtaken and skipped as stale").isZero();
        assertThat(count(dbUrl, "SELECT count(*) FROM dead_letter WHERE partner = '" + PORTAL + "'")).isZero();
        assertThat(portal.backwardRejections.get()).as(portal.report()).isZero();
        Map<String, Long> timesReceived = PortalRecords.timesReceived(portal);
        assertThat(timesReceived).as("every status of every dossier reached the portal").hasSize((int) portalWork);
        assertThat(timesReceived.values()).as("no status sent twice across two graceful restarts").allMatch(n -> n == 1);
        for (int shard = 3; shard < 5; shard++) {
            assertThat(broker.messageCount("hub.work." + PORTAL + "." + shard)).as("old shard %d", shard).isZero();
        }
    }

    private void startHub(String name, Map<String, String> common, int port, String topic, int shards, String run) throws Exception {
        Map<String, String> props = new HashMap<>(common);
        props.put("hub.inbound.topic", topic);
        props.put("hub.queues.partners.national-portal.concurrency", Integer.toString(shards));
        HubProcess hub = HubProcess.start(run + "-" + name, port, props, "384m");
        hubs.put(name, hub);
        hub.awaitHealthy(Duration.ofMinutes(3));
    }

    /** SIGTERM, as a redeployment stops an instance: it finishes its batches. */
    private void stopHub(String name) throws Exception {
        hubs.get(name).stop(Duration.ofSeconds(90));
    }

    /** hub_queue_depth{partner="national-portal"} as Prometheus scrapes it (-1 until the broker has been read). */
    private static double queueDepth(HttpClient http, int port) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus"))
                .header("Authorization", "Bearer " + TestTokens.metrics()).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = DEPTH.matcher(r.body());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static long count(String dbUrl, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(dbUrl, "postgres", ""); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
