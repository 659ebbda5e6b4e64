package vn.gov.lgsp.hub.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vn.gov.lgsp.connector.nationalportal.simulator.PortalSimulator;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;
import vn.gov.lgsp.hub.HubApplication;
import vn.gov.lgsp.hub.infra.ChildJvm;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.EventPublisher;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;

/**
 * The hub keeps working through an Artemis primary/backup failover. Two brokers share one store (a local folder;
 * {@link HaBroker}), each in its own JVM, private to this test; a hub in its own JVM reaches them through the HA
 * URL README "Deploying" gives. While dossier events flow, the primary broker is killed with SIGKILL (a machine
 * failure: nothing flushed, no goodbye to the clients); the backup takes the store's lock, loads the journal and
 * the hub's connections fail over to it. Every event's portal work is done, the portal saw no dossier go backwards
 * and no work skipped as overtaken, and the records sent twice are bounded by the calls in flight at the kill.
 *
 * <p>Why a shared store and not replication: both run embedded, but a replicated pair of two brokers has no quorum
 * to tell a dead primary from a lost network (Artemis asks for three voters or a ZooKeeper quorum, and without one
 * the backup either never takes over or risks split brain); a shared store decides by the store's file lock,
 * which the operating system releases when the primary's process dies: the same on one machine as on a SAN or
 * NFSv4 volume in production.
 */
class BrokerFailoverIT {
    private static final int PORTAL_SHARDS = 4;
    private static final int PORTAL_PARALLEL_CALLS = 4;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private PortalSimulator portal;

    @AfterEach
    void stop() throws Exception {
        processes.values().forEach(Process::destroyForcibly);
        for (Process p : processes.values()) p.waitFor(30, TimeUnit.SECONDS);
        if (portal != null) portal.close();
    }

    @Test
    void theHubKeepsWorkingWhenThePrimaryBrokerIsKilledAndTheBackupTakesOver() throws Exception {
        EmbeddedInfrastructure infra = SharedInfrastructure.get();
        String run = "failover" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String dbUrl = ChildJvm.newDatabase(infra, run);
        portal = new PortalSimulator("failover-test", "failover-test-password");
        portal.setLatencyMillis(20); // work queues up on the broker: there is some in every state at the kill
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrap()))) {
            admin.createTopics(List.of(new NewTopic(run + ".events", 4, (short) 1), new NewTopic(run + ".updates", 4, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }

        // the broker pair: the primary first (it takes the store), then the backup (waits on the store's lock)
        Path store = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), run + "-artemis-store");
        int primaryPort = ChildJvm.freePort();
        int backupPort = ChildJvm.freePort();
        startBroker(run, "primary", primaryPort, backupPort, store);
        awaitLog(run + "-primary", "HA-BROKER primary ACTIVE", Duration.ofMinutes(2));
        startBroker(run, "backup", backupPort, primaryPort, store);
        awaitLog(run + "-backup", "AMQ221031: backup announced", Duration.ofMinutes(2));

        Map<String, String> props = new HashMap<>();
        props.put("spring.datasource.url", dbUrl);
        props.put("spring.datasource.username", "postgres");
        props.put("spring.datasource.password", "");
        props.put("hub.kafka.bootstrap-servers", infra.kafkaBootstrap());
        props.put("hub.security.issuer-uri", infra.issuer().issuer());
        props.put("hub.security.jwk-set-uri", infra.issuer().jwkSetUri());
        props.put("spring.artemis.mode", "native");
        // README "Deploying": both brokers, ha=true (follow the pair's topology), reconnect for ever, no prefetch
        props.put("spring.artemis.broker-url", "(tcp://localhost:" + primaryPort + ",tcp://localhost:" + backupPort
                + ")?ha=true&reconnectAttempts=-1&consumerWindowSize=0");
        props.put("hub.inbound.topic", run + ".events");
        props.put("hub.inbound.group-id", run);
        props.put("hub.partners.onestop.updates-topic", run + ".updates");
        props.put("hub.partners.national-portal.base-url", portal.baseUrl());
        props.put("hub.partners.national-portal.username", "failover-test");
        props.put("hub.partners.national-portal.password", "failover-test-password");
        for (String off : List.of("zalo", "sms", "vnpost", "vietinbank")) props.put("hub.queues.partners." + off + ".enabled", "false");
        props.put("hub.partners.vnpost.poll.enabled", "false");
        props.put("hub.queues.partners.national-portal.concurrency", Integer.toString(PORTAL_SHARDS));
        props.put("hub.queues.partners.national-portal.parallel-calls", Integer.toString(PORTAL_PARALLEL_CALLS));
        int hubPort = ChildJvm.freePort();
        props.put("server.port", Integer.toString(hubPort));
        Process hub = ChildJvm.start(HubApplication.class, props, run + "-hub", "384m");
        processes.put("hub", hub);
        ChildJvm.awaitHealthy(hubPort, Duration.ofMinutes(3));

        DossierEventFactory factory = new DossierEventFactory(System.nanoTime());
        List<List<ObjectNode>> lifecycles = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            lifecycles.add(factory.lifecycle(factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN).minusDays(2))));
        }
        List<ObjectNode> events = new ArrayList<>();
        for (int step = 0; step < 12; step++) {
            for (List<ObjectNode> l : lifecycles) if (step < l.size()) events.add(l.get(step));
        }
        int third = events.size() / 3;
        long portalWork = events.stream().filter(e -> !"PICKUP_REQUESTED".equals(e.get("eventType").asText())).count();

        try (EventPublisher kafka = new EventPublisher(infra.kafkaBootstrap(), run + ".events")) {
            for (int i = 0; i < 2 * third; i++) kafka.publish(events.get(i));
            await().atMost(Duration.ofMinutes(2)).until(() -> totalReceived() >= third / 2);

            // the primary dies in the middle of the work: queued, in-flight and scheduled messages all on its journal
            Process primary = processes.get("primary");
            primary.destroyForcibly().waitFor();
            assertThat(primary.exitValue()).isEqualTo(137); // SIGKILL: the broker flushed and told nobody
            long killedAt = System.nanoTime();
            int receivedAtKill = totalReceived();
            for (int i = 2 * third; i < events.size(); i++) kafka.publish(events.get(i));
            awaitLog(run + "-backup", "HA-BROKER backup ACTIVE", Duration.ofMinutes(2));
            double activeAfter = (System.nanoTime() - killedAt) / 1e9;
            // the calls in flight at the kill may still land; work taken from the backup comes after them
            int receivedWhenActive = totalReceived();
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> totalReceived() > receivedWhenActive);
            System.out.printf("broker failover: primary killed after %d of %d portal records; backup active %.1f s after the kill,"
                    + " portal work resumed %.1f s after it%n", receivedAtKill, portalWork, activeAfter, (System.nanoTime() - killedAt) / 1e9);
        }

        // the backup serves the hub: all the work completes, the hub itself never restarted
        await().atMost(Duration.ofMinutes(4)).untilAsserted(() -> {
            for (List<ObjectNode> l : lifecycles) {
                String code = l.get(0).get("dossier").get("code").asText();
                PortalSimulator.PortalDossier d = portal.dossier(code);
                assertThat(d).as(code).isNotNull();
                assertThat(d.status).as(code).isEqualTo(10);
            }
        });
        assertThat(hub.isAlive()).isTrue();
        ChildJvm.awaitHealthy(hubPort, Duration.ofMinutes(1)); // readiness includes the broker (jms) again

        try (Connection c = DriverManager.getConnection(dbUrl, "postgres", ""); Statement st = c.createStatement()) {
            assertThat(single(st, "SELECT count(DISTINCT event_id) FROM inbound_event")).isEqualTo(events.size());
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                    single(st, "SELECT count(*) FROM work_completion WHERE partner = 'national-portal'")).isEqualTo(portalWork));
            // no dossier's work overtaken by its later work across the failover (the connector would skip it as stale)
            assertThat(single(st, "SELECT count(*) FROM audit_record WHERE party = 'national-portal' AND outcome = 'SKIPPED'"))
                    .as("portal work skipped as stale").isZero();
            assertThat(single(st, "SELECT count(*) FROM dead_letter WHERE partner = 'national-portal'")).isZero();
        }
        assertThat(portal.backwardRejections.get()).as(portal.report()).isZero();
        assertThat(portal.fieldRejections.get()).as(portal.report()).isZero();

        // per business key (dossier, time, status): how often the portal accepted it; and each dossier's order
        Map<String, Long> timesReceived = new HashMap<>();
        portal.dossiers().forEach((code, d) -> {
            String previous = "";
            synchronized (d.received) {
                for (var r : d.received) {
                    String at = r.get("NgayCapNhat").asText();
                    assertThat(at).as("%s received in order", code).isGreaterThanOrEqualTo(previous);
                    previous = at;
                    timesReceived.merge(code + "/" + at + "/" + r.get("TrangThaiHoSo").asText(), 1L, Long::sum);
                }
            }
        });
        long repeats = timesReceived.values().stream().mapToLong(n -> n - 1).sum();
        assertThat(timesReceived.values()).as("no record reaches the portal more than twice").allMatch(n -> n <= 2);
        // only the calls in flight when the broker died can be repeated (their batch's commit was lost)
        assertThat(repeats).isLessThanOrEqualTo(PORTAL_SHARDS * PORTAL_PARALLEL_CALLS);
        String hubLog = Files.readString(ChildJvm.log(run + "-hub"));
        assertThat(hubLog).as("the hub's log").doesNotContain("OutOfMemoryError");
        System.out.printf("broker failover: %d events, %d portal records (%d distinct), %d repeated, %d batches rolled back in the hub%n",
                events.size(), timesReceived.values().stream().mapToLong(Long::longValue).sum(), timesReceived.size(), repeats,
                hubLog.lines().filter(l -> l.contains("rolled back, the broker will deliver it again")).count());
    }

    private void startBroker(String run, String role, int port, int peerPort, Path store) throws Exception {
        processes.put(role, ChildJvm.start(HaBroker.class, Map.of("ha.role", role, "ha.port", Integer.toString(port),
                "ha.peer-port", Integer.toString(peerPort), "ha.store", store.toString()), run + "-" + role, "192m"));
    }

    private static void awaitLog(String name, String line, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> Files.readString(ChildJvm.log(name)).contains(line));
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
}
