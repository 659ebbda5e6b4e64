package vn.gov.lgsp.hub.db;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.gov.lgsp.hub.work.InfrastructureFaults;

/**
 * Writes the hub's record of what a partner has just accepted, waiting out a short outage of the database rather than
 * giving up: a record that cannot be written makes the work come again, and the partner would hear of it twice. Only
 * a database (or broker) failure is waited out, up to {@link #PATIENCE}; after that the failure goes to the caller
 * as before (the batch rolls back and the work is sent again under the partner's own idempotency key).
 */
public final class AfterPartnerCall {
    private static final Logger log = LoggerFactory.getLogger(AfterPartnerCall.class);
    /** How long a record of a call the partner accepted is tried again while the database is down. */
    public static final Duration PATIENCE = Duration.ofSeconds(90);

    private AfterPartnerCall() {}

    public static void record(String what, Runnable write) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        long pause = 200;
        while (true) {
            try {
                write.run();
                return;
            } catch (RuntimeException e) {
                if (!InfrastructureFaults.isInfrastructure(e) || System.nanoTime() > deadline) throw e;
                log.warn("{}: the partner accepted it but the hub cannot record it yet ({}); trying again in {} ms",
                        what, e.getMessage(), pause);
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                pause = Math.min(pause * 2, 2000);
            }
        }
    }
}
