package vn.gov.lgsp.hub.work;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * A partner connector, as the core's {@link PartnerWorker} calls it: one work item at a time, inside the shard's
 * batch. A connector is a Spring bean implementing this interface in its folder ({@code connectors/<partner>/java});
 * the worker of partner {@link #partner()} finds it by that name, so adding a connector touches no list in the core.
 *
 * <p>How a call ends decides what the worker does:
 * <ul>
 *   <li>a returned {@link Delivery}: the work is complete; its updates go to the one-stop system and its follow-up
 *       work is queued, in the batch's broker transaction, with the audit record it describes;</li>
 *   <li>{@link PartnerRejectedException}: the partner refused this item for good: a dead letter, no retry;</li>
 *   <li>any other exception: tried again later (a failure of the hub's own database, broker or Kafka rolls the batch
 *       back instead, without blaming the partner: {@link InfrastructureFaults}).</li>
 * </ul>
 * A connector keeps its own record of what its partner accepted (a claim before the call, under the business key the
 * partner deduplicates on), so that work delivered again after a crash or a rolled-back batch is recognised and
 * hands back the same {@link Delivery} without calling the partner twice.
 */
public interface PartnerConnector {

    /** The partner's name: its queues and settings ({@code hub.queues.partners.<name>}), its audit party. */
    String partner();

    /**
     * Does the work: calls the partner (or recognises that it already did) and says what came of it.
     *
     * @param work  the work item: its business key ({@link WorkItem#workId()}), type, body (JSON), attempt, sequence
     * @param batch the shard batch the item was taken in, for what a connector reads once per batch
     */
    Delivery deliver(WorkItem work, WorkBatch batch) throws Exception;

    /**
     * True when {@link #deliverAsync} holds no thread while the partner answers: the worker then makes the calls of a
     * batch with several dossiers' work from the shard's own thread, without call threads (as many out at once as
     * there would have been call threads: {@code parallel-calls} x {@code concurrency}; the partner's connection pool
     * bounds them too). A batch with one dossier's work is still called through {@link #deliver} on the shard's
     * thread: at a province's pace most batches are that, and handing each call to an I/O thread and its answer back
     * cost more than the thread that waits (bench/PROFILING.md, "A twentieth look").
     */
    default boolean callsWithoutBlocking() {
        return false;
    }

    /**
     * {@link #deliver} without waiting for the partner: what comes before the call is done on the caller's thread
     * (the shard's, which may block: reads, claims), the call is sent, and the future completes when the partner has
     * answered, with the {@link Delivery} or the exception {@link #deliver} would have thrown. What follows the answer
     * runs on the HTTP client's I/O thread and must not block. The default is {@link #deliver}, done at once.
     */
    default CompletableFuture<Delivery> deliverAsync(WorkItem work, WorkBatch batch) {
        try {
            return CompletableFuture.completedFuture(deliver(work, batch));
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** {@link #deliverAsync}'s outcome waited for, as {@link #deliver} ends: its Delivery, or its exception itself. */
    static Delivery await(CompletableFuture<Delivery> delivery) throws Exception {
        try {
            return delivery.get();
        } catch (ExecutionException e) {
            throw failureOf(e);
        }
    }

    /** What a future failed with, without the wrappers CompletableFuture adds. */
    static Exception failureOf(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) t = t.getCause();
        if (t instanceof Exception e) return e;
        if (t instanceof Error error) throw error;
        return new IllegalStateException(t);
    }
}
