package vn.gov.lgsp.hub.outage;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.gov.lgsp.connector.nationalportal.simulator.PortalSimulator;

/**
 * One outage under load, the same for each piece of the hub's infrastructure: the REST client sends dossier
 * lifecycles; once partner work is visibly in flight the piece is stopped for {@code outage} (readiness probed
 * meanwhile), then started again on the same data, whatever happens; then the client finishes and the hub's work
 * must complete. What it measured is kept for the test's assertions and printed figures.
 */
final class OutageDrill {
    private static final Logger log = LoggerFactory.getLogger(OutageDrill.class);

    /** Stops or starts a piece of infrastructure. */
    interface Action {
        void run() throws Exception;
    }

    final List<Integer> readinessDuringOutage = new CopyOnWriteArrayList<>();
    /** ms from the restart until readiness answered 200, and until every dossier's work was done. */
    long readyAfterMillis, doneAfterMillis;

    void run(String what, int port, OnestopTraffic traffic, OutageLedger ledger, PortalSimulator portal, Duration outage,
             Action stop, Action start) throws Exception {
        traffic.start(port);
        await().atMost(Duration.ofMinutes(2)).until(() -> traffic.accepted.get() >= traffic.events.size() / 4
                && CircuitWatch.portalCalls(portal, traffic.codes()) >= 20);
        traffic.fullSpeed();
        log.info("stopping {} for {} s", what, outage.toSeconds());
        long up;
        try {
            stop.run();
            HealthProbe.readinessDuring(port, System.nanoTime(), outage, readinessDuringOutage);
        } finally {
            start.run();
            up = System.nanoTime();
            log.info("{} started again on the same data", what);
        }
        if (!traffic.await(Duration.ofMinutes(3))) throw new AssertionError("the client did not get a 202 for every event: " + traffic.answers);
        readyAfterMillis = HealthProbe.awaitReady(port, up, Duration.ofMinutes(2));
        ledger.awaitAndCheck(Duration.ofMinutes(3));
        doneAfterMillis = (System.nanoTime() - up) / 1_000_000;
        log.info("{} down {} s: answers {}, slowest 503 {} ms, slowest 202 {} ms, readiness during the outage {}, ready {} ms"
                        + " after the restart, work done {} ms after it; {}; {} updates published more than once",
                what, outage.toSeconds(), traffic.answers, traffic.slowest503Millis(), traffic.slowest202Millis(),
                readinessDuringOutage, readyAfterMillis, doneAfterMillis, ledger.figures, ledger.repeatedPublications());
    }
}
