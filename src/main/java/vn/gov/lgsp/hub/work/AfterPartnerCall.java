package vn.gov.lgsp.hub.work;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the hub's record of what a partner has just accepted, waiting out a short outage of the database rather than
 * giving up: a record that cannot be written makes the work come again, and the partner would hear of it twice. Only
 * a database (or broker) failure is waited out, up to {@link #PATIENCE}; after that the failure goes to the caller
 * as before (the batch rolls back and the work is sent again under the partner's own idempotency key).
 *
 * <p>{@link #begin} starts the write without waiting for it: the record is on its way to the database from the moment
 * the partner answered, exactly as with {@link #record}, and the work waits for it only where it must, before its
 * completion commits ({@link Recording#await}); meanwhile its updates go to the one-stop system.
 */
public final class AfterPartnerCall {
    private static final Logger log = LoggerFactory.getLogger(AfterPartnerCall.class);
    /** How long a record of a call the partner accepted is tried again while the database is down. */
    public static final Duration PATIENCE = Duration.ofSeconds(90);
    /** How long a write begun is waited for before it counts as an outage (and is tried again, with patience). */
    private static final long ANSWER_SECONDS = 60;

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

    /**
     * Starts writing the record now and returns without waiting: {@code write} hands the write to the database (the
     * audit log's group commit) and answers when it is durable. {@link Recording#await} then waits for it, and writes
     * it again with {@link #record}'s patience if the database was down.
     */
    public static Recording begin(String what, Supplier<CompletableFuture<?>> write) {
        return new Recording(what, write, write.get());
    }

    /** A record of what a partner accepted, on its way to the database. */
    public static final class Recording {
        private final String what;
        private final Supplier<CompletableFuture<?>> write;
        private final CompletableFuture<?> first;

        private Recording(String what, Supplier<CompletableFuture<?>> write, CompletableFuture<?> first) {
            this.what = what;
            this.write = write;
            this.first = first;
        }

        /** Answers when the first write is durable (or failed): for what only its first write may count on. */
        public CompletableFuture<?> written() {
            return first.copy();
        }

        /** What was recorded, for a log line. */
        public String what() {
            return what;
        }

        /**
         * Returns once the record is durable. A database or broker outage is waited out as {@link #record} does (the
         * write is made again: a failed group commit wrote nothing); any other failure is thrown.
         */
        public void await() {
            try {
                join(first);
                return;
            } catch (RuntimeException e) {
                if (!InfrastructureFaults.isInfrastructure(e)) throw e;
                log.warn("{}: the partner accepted it but the hub could not record it yet ({}); trying again", what, e.getMessage());
            }
            record(what, () -> join(write.get()));
        }

        private static void join(CompletableFuture<?> written) {
            try {
                written.get(ANSWER_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while recording what a partner accepted", e);
            } catch (TimeoutException e) {
                // the database did not answer in time: an outage, as the audit log's callers tell one
                throw new org.springframework.dao.QueryTimeoutException("record not durable after " + ANSWER_SECONDS + " s", e);
            } catch (ExecutionException e) {
                // the database's own exception as the cause, which InfrastructureFaults recognises
                throw new IllegalStateException("record failed: " + e.getCause().getMessage(), e.getCause());
            }
        }
    }
}
