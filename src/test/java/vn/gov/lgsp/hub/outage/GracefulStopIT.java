package vn.gov.lgsp.hub.outage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import vn.gov.lgsp.connector.nationalportal.simulator.PortalSimulator;
import vn.gov.lgsp.connector.vnpost.simulator.VnpostSimulator;
import vn.gov.lgsp.hub.infra.ChildJvm;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.EventPublisher;
import vn.gov.lgsp.hub.infra.HubProcess;
import vn.gov.lgsp.hub.infra.HubProperties;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;
import vn.gov.lgsp.hub.infra.TopicRecorder;

/**
 * A hub stopped with SIGTERM (as Kubernetes stops a pod) while dossier events flow, portal calls are in flight and
 * a VNPost status poll round is under way (VNPost answering slowly, so a round lasts several seconds): the hub runs
 * as a separate JVM (its own database, topics and Artemis journal on the shared Kafka and PostgreSQL), its stop is
 * measured from the signal to the process' exit and must end within 10 s, and a hub started again on the same
 * journal and database finishes what was in flight: every event processed once, each status at the portal once and
 * in order, one VNPost order per saleOrderCode, every update published, nothing dead-lettered.
 */
class GracefulStopIT {
    private static final Duration STOP_BOUND = Duration.ofSeconds(10);
    /** A start takes minutes on a loaded 2-core machine. */
    private static final Duration STARTUP_BOUND = Duration.ofMinutes(5);
    private final List<HubProcess> hubs = new ArrayList<>();
    private PortalSimulator portal;
    private VnpostSimulator vnpost;

    @AfterEach
    void stop() throws Exception {
        for (HubProcess hub : hubs) hub.close();
        if (portal != null) portal.close();
        if (vnpost != null) vnpost.close();
    }

    @Test
    void aHubStoppedUnderLoadStopsWithinTheBoundAndARestartFinishesItsWork() throws Exception {
        EmbeddedInfrastructure infra = SharedInfrastructure.get();
        String run = "stop" + UUID.randomUUID().toString().substring(0, 8);
        String dbUrl = ChildJvm.newDatabase(infra, run);
        portal = new PortalSimulator("stop-test", "stop-test-password");
        portal.setLatencyMillis(30); // a real portal's answer takes a while: calls are in flight at the signal
        vnpost = new VnpostSimulator("stop-test", "stop-test-password");
        vnpost.setStatusStepMillis(1_000);
        vnpost.start(0);
        vnpost.faults().latencyMillis = 250; // a poll round of a few dozen orders at 5 requests a second lasts seconds
        int port = ChildJvm.freePort();
        String[] off = {"zalo", "sms", "vietinbank", "police", "tax"};
        Map<String, String> props = new HubProperties(infra, dbUrl, run)
                .embeddedBroker(Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), run + "-artemis"))
                .portal(portal, "stop-test", "stop-test-password")
                .partnersOff(off)
                .put("hub.partners.vnpost.base-url", vnpost.baseUrl())
                .put("hub.partners.vnpost.username", "stop-test")
                .put("hub.partners.vnpost.password", "stop-test-password")
                .put("hub.partners.vnpost.poll.interval", "500ms")
                .put("hub.partners.vnpost.poll.requests-per-second", "5")
                // the first poll round a second after the start, not config.yml's 10 s: the stop waits for polls under way
                .put("hub.partners.vnpost.poll.initial-delay", "1s")
                .toMap();

        TopicRecorder updates = TopicRecorder.of(infra.kafkaBootstrap(), run + ".updates");
        OnestopTraffic traffic = new OnestopTraffic(40, 0);
        OutageLedger ledger = new OutageLedger(new JdbcTemplate(new SimpleDriverDataSource(new org.postgresql.Driver(), dbUrl, "postgres", "")),
                traffic, updates, portal, null, null, vnpost).partnersOff(off);
        Set<String> codes = Set.of(traffic.codes());

        HubProcess first = startHub(run + "-1", port, props).awaitHealthy(STARTUP_BOUND);
        long stopMillis;
        int pollsBefore;
        try (EventPublisher kafka = new EventPublisher(infra.kafkaBootstrap(), run + ".events")) {
            int split = traffic.events.size() * 2 / 3;
            for (int i = 0; i < split; i++) kafka.publish(traffic.events.get(i));
            // stop once portal calls and VNPost polls are under way
            await().atMost(Duration.ofMinutes(2)).until(() -> CircuitWatch.portalCalls(portal, traffic.codes()) >= 40
                    && vnpost.orders().stream().filter(o -> codes.contains(o.saleOrderCode.substring(0, o.saleOrderCode.lastIndexOf('-')))).count() >= 3
                    && vnpost.calls("GetStatusHistoryOrder") >= 3);
            pollsBefore = vnpost.calls("GetStatusHistoryOrder");
            stopMillis = first.stop(Duration.ofMinutes(2)).toMillis(); // the hub stopped at all, SIGTERM to exit
            for (int i = split; i < traffic.events.size(); i++) kafka.publish(traffic.events.get(i)); // the one-stop system carries on
            HubProcess second = startHub(run + "-2", port, props);
            long restarted = System.nanoTime();
            second.awaitHealthy(STARTUP_BOUND);
            ledger.awaitAndCheck(Duration.ofMinutes(3));
            System.out.printf("graceful stop under load: stopped %d ms after SIGTERM (%d VNPost status requests before it; the log says: %s);"
                            + " after the restart everything done within %d ms; %s; %d updates published more than once%n",
                    stopMillis, pollsBefore, pollRoundAtStop(first), (System.nanoTime() - restarted) / 1_000_000,
                    ledger.figures, ledger.repeatedPublications());
        }
        assertThat(stopMillis).as("stop within the bound, SIGTERM to exit").isLessThan(STOP_BOUND.toMillis());
    }

    /** What the stopped hub logged about its VNPost poll round when it stopped (for the printed figures). */
    private static String pollRoundAtStop(HubProcess hub) throws java.io.IOException {
        return Files.readAllLines(hub.log()).stream().filter(l -> l.contains("VNPost poll round stopped"))
                .map(l -> l.replaceAll(".*\"message\":\"([^\"]*)\".*", "$1")).findFirst().orElse("no poll round in progress");
    }

    private HubProcess startHub(String name, int port, Map<String, String> props) throws Exception {
        HubProcess hub = HubProcess.start(name, port, props, "512m");
        hubs.add(hub);
        return hub;
    }
}
