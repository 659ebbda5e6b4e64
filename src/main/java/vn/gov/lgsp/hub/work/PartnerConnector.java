package vn.gov.lgsp.hub.work;

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
}
