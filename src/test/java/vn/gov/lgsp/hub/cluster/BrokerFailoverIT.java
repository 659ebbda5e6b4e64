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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private final Map<String, ChildJvm> processes = new LinkedHashMap<>();
    private PortalSimulator portal;

    @AfterEach
    void stop() throws Exception {
        for (ChildJvm p : processes.values()) p.close();
        if (portal != null) portal.close();
    }

    @Test
    void theHubKeepsWorkingWhenThePrimaryBrokerIsKilledAndTheBackupTakesOver() throws Exception {
        EmbeddedInfrastructure infra = SharedInfrastructure.get();
        String run = "failover" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String dbUrl = ChildJvm.newDatabase(infra, run);
        portal = new PortalSimulator("failover-test", "failover-test-password");
        portal.setLatencyMillis(20); // work queues up on the broker: there is some in every state at the kill
        infra.createTopics(run + ".events", run + ".updates");

        // the broker pair: the primary first (it takes the store), then the backup (waits on the store's lock)
        Path store = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), run + "-artemis-store");
        int primaryPort = ChildJvm.freePort();
        int backupPort = ChildJvm.freePort();
        ChildJvm primary = startBroker(run, "primary", primaryPort, backupPort, store);
        primary.awaitLog("HA-BROKER primary ACTIVE", Duration.ofMinutes(2));
        ChildJvm backup = startBroker(run, "backup", backupPort, primaryPort, store);

        Map<String, String> props = new HubProperties(infra, dbUrl, run)
                // README "Deploying": both brokers, ha=true (follow the pair's topology), reconnect for ever, no prefetch
                .broker("(tcp://localhost:" + primaryPort + ",tcp://localhost:" + backupPort + ")?ha=true&reconnectAttempts=-1&consumerWindowSize=0")
                .portal(portal, "failover-test", "failover-test-password")
                .partnersOff("zalo", "sms", "vnpost", "vietinbank")
                .put("hub.queues.partners.national-portal.concurrency", Integer.toString(PORTAL_SHARDS))
                .put("hub.queues.partners.national-portal.parallel-calls", Integer.toString(PORTAL_PARALLEL_CALLS))
                .toMap();
        // the hub starts beside the backup: it connects to the active primary, and learns of the backup once announced
        HubProcess hub = HubProcess.start(run + "-hub", ChildJvm.freePort(), props, "384m");
        processes.put("hub", hub);
        backup.awaitLog("AMQ221031: backup announced", Duration.ofMinutes(2));
        hub.awaitHealthy(Duration.ofMinutes(3));

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
            await().atMost(Duration.ofMinutes(2)).until(() -> PortalRecords.totalReceived(portal) >= third / 2);

            // the primary dies in the middle of the work: queued, in-flight and scheduled messages all on its journal
            primary.kill(); // the broker flushed and told nobody
            long killedAt = System.nanoTime();
            int receivedAtKill = PortalRecords.totalReceived(portal);
            for (int i = 2 * third; i < events.size(); i++) kafka.publish(events.get(i));
            backup.awaitLog("HA-BROKER backup ACTIVE", Duration.ofMinutes(2));
            double activeAfter = (System.nanoTime() - killedAt) / 1e9;
            // the calls in flight at the kill may still land; work taken from the backup comes after them
            int receivedWhenActive = PortalRecords.totalReceived(portal);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                    .until(() -> PortalRecords.totalReceived(portal) > receivedWhenActive);
            System.out.printf("broker failover: primary killed after %d of %d portal records; backup active %.1f s after the kill,"
                    + " portal work resumed %.1f s after it%n", receivedAtKill, portalWork, activeAfter, (System.nanoTime() - killedAt) / 1e9);
        }

        // the backup serves the hub: all the work completes, the hub itself never restarted
        PortalRecords.awaitFinalStatus(portal, lifecycles.stream().map(l -> l.get(0).get("dossier").get("code").asText()).toList(),
                Duration.ofMinutes(4));
        assertThat(hub.isAlive()).isTrue();
        hub.awaitHealthy(Duration.ofMinutes(1)); // readiness includes the broker (jms) again

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

        // each dossier's order; and per business key (dossier, time, status): how often the portal accepted it
        portal.dossiers().forEach((code, d) -> {
            String previous = "";
            synchronized (d.received) {
                for (var r : d.received) {
                    String at = r.get("NgayCapNhat").asText();
                    assertThat(at).as("%s received in order", code).isGreaterThanOrEqualTo(previous);
                    previous = at;
                }
            }
        });
        Map<String, Long> timesReceived = PortalRecords.timesReceived(portal);
        long repeats = PortalRecords.repeats(timesReceived);
        assertThat(timesReceived.values()).as("no record reaches the portal more than twice").allMatch(n -> n <= 2);
        // only the calls in flight when the broker died can be repeated (their batch's commit was lost)
        assertThat(repeats).isLessThanOrEqualTo(PORTAL_SHARDS * PORTAL_PARALLEL_CALLS);
        String hubLog = hub.logText();
        assertThat(hubLog).as("the hub's log").doesNotContain("OutOfMemoryError");
        System.out.printf("broker failover: %d events, %d portal records (%d distinct), %d repeated, %d batches rolled back in the hub%n",
                events.size(), timesReceived.values().stream().mapToLong(Long::longValue).sum(), timesReceived.size(), repeats,
                hubLog.lines().filter(l -> l.contains("rolled back, the broker will deliver it again")).count());
    }

    private ChildJvm startBroker(String run, String role, int port, int peerPort, Path store) throws Exception {
        ChildJvm broker = ChildJvm.start(HaBroker.class, Map.of("ha.role", role, "ha.port", Integer.toString(port),
                "ha.peer-port", Integer.toString(peerPort), "ha.store", store.toString()), run + "-" + role, "192m");
        processes.put(role, broker);
        return broker;
    }

    private static long single(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
