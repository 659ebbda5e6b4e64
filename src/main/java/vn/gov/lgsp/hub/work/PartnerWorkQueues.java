package vn.gov.lgsp.hub.work;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Puts partner work on the partners' durable Artemis queues. */
@Component
public class PartnerWorkQueues {
    private final JmsTemplate jms;
    private final TransactionTemplate jmsTx;
    private final QueueProperties queues;
    private final LocalIntakes intakes = new LocalIntakes();
    /** hub.inbound.broker.commit; none when constructed by hand (tests). */
    private Timer brokerCommit;

    public PartnerWorkQueues(@Qualifier("workJmsTemplate") JmsTemplate jms,
                             @Qualifier("jmsTransactionTemplate") TransactionTemplate jmsTx,
                             QueueProperties queues) {
        this.jms = jms;
        this.jmsTx = jmsTx;
        this.queues = queues;
    }

    /**
     * A partner's work is spread over {@code concurrency} queues (shards), each consumed by one consumer at a time
     * (exclusive queues, so also across hub instances): one dossier always lands on the same shard and is worked
     * in order, while different dossiers go in parallel. This replaces Artemis message groups, whose cost grows
     * with the depth of the queue.
     */
    public String queueOf(String partner, String dossierCode, String workId) {
        return shardQueue(partner, shardOf(partner, dossierCode, workId));
    }

    public int shardOf(String partner, String dossierCode, String workId) {
        int shards = queues.of(partner).getConcurrency();
        String key = dossierCode != null ? dossierCode : workId;
        return Math.floorMod(key.hashCode(), shards);
    }

    public String shardQueue(String partner, int shard) {
        return queues.getPrefix() + partner + "." + shard;
    }

    /**
     * Sends all items in one broker transaction: joins the caller's transaction when there is one (inside a
     * shard consumer's batch), otherwise commits its own before returning.
     */
    public void enqueueAll(Collection<WorkItem> items) {
        if (items.isEmpty()) return;
        if (Thread.currentThread() instanceof PartnerWorker.CallThread || Thread.currentThread() instanceof vn.gov.lgsp.hub.http.PartnerHttp.IoThread) {
            // it would commit on its own, apart from the batch it belongs to
            throw new IllegalStateException("a connector sent work from a parallel partner call: return it in its "
                    + "Delivery's follow-up work instead, or set the partner's parallel-calls to 1");
        }
        jmsTx.executeWithoutResult(s -> items.forEach(i -> send(i, 0, null, Map.of())));
    }

    /**
     * The intake's work for newly accepted events: like {@link #enqueueAll}, each item marked with its event
     * ({@link WorkHeaders#EVENT_ID}), so that a worker can tell work whose inbox record was lost (the broker committed,
     * the database did not) and record the event before the partner hears of it.
     */
    public void enqueueAccepted(Collection<WorkItem> items, Function<WorkItem, String> eventIdOf) {
        if (items.isEmpty()) return;
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            // the intake's database transaction: its workers learn in memory when it ends (LocalIntakes)
            LocalIntakes.Intake intake = intakes.begin(items.stream().map(eventIdOf).distinct().toList());
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    intakes.ended(intake, status == STATUS_COMMITTED);
                }
            });
        }
        long start = System.nanoTime();
        jmsTx.executeWithoutResult(s -> items.forEach(i -> send(i, 0, null, Map.of(WorkHeaders.EVENT_ID, eventIdOf.apply(i)))));
        if (brokerCommit != null) brokerCommit.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    @Autowired(required = false)
    void setMetrics(MeterRegistry metrics) {
        // the largest step of an intake at 200 events/s: the commit waits for the journal's disk sync (bench/PROFILING.md)
        brokerCommit = Timer.builder("hub.inbound.broker.commit")
                .description("Time the broker took to take one intake batch's work: its sends and its commit (a disk sync of its journal)")
                .register(metrics);
    }

    /** This instance's intakes, asked by its workers before the database. */
    LocalIntakes intakes() {
        return intakes;
    }

    public void enqueue(WorkItem item) {
        enqueueAll(java.util.List.of(item));
    }

    /** Sends one item, optionally delayed by the broker; must run inside a broker transaction. */
    void send(WorkItem item, long delayMillis, String lastError, Map<String, String> extraHeaders) {
        jms.send(queueOf(item.partner(), item.dossierCode(), item.workId()), session -> {
            TextMessage m = session.createTextMessage(item.body());
            setHeaders(m, item);
            if (delayMillis > 0) {
                m.setLongProperty(WorkHeaders.SCHEDULED_DELIVERY, System.currentTimeMillis() + delayMillis);
            }
            if (lastError != null) {
                m.setStringProperty(WorkHeaders.LAST_ERROR, truncate(lastError, 1000));
            }
            for (Map.Entry<String, String> e : extraHeaders.entrySet()) {
                m.setStringProperty(e.getKey(), e.getValue());
            }
            return m;
        });
    }

    private static void setHeaders(Message m, WorkItem item) throws JMSException {
        m.setStringProperty(WorkHeaders.WORK_ID, item.workId());
        m.setStringProperty(WorkHeaders.PARTNER, item.partner());
        if (item.dossierCode() != null) m.setStringProperty(WorkHeaders.DOSSIER_CODE, item.dossierCode());
        if (item.messageType() != null) m.setStringProperty(WorkHeaders.MESSAGE_TYPE, item.messageType());
        m.setIntProperty(WorkHeaders.ATTEMPT, item.attempt());
        if (item.seq() > 0) m.setLongProperty(WorkHeaders.SEQ, item.seq());
    }

    static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
