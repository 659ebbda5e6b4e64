package vn.gov.lgsp.hub.work;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.connection.JmsResourceHolder;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Consumes one shard queue (hub.work.&lt;partner&gt;.&lt;n&gt;) in batches, one broker transaction per batch: take what
 * is waiting (up to {@code maxBatch}), let the {@link PartnerWorker} work it in order, commit. The session is
 * exposed to the hub's JmsTemplate, so the updates, retries and fallbacks the work produces are sent in the same
 * transaction: they exist exactly when the batch is acknowledged.
 *
 * <p>Why not one transaction per message: every broker commit waits for the journal's disk sync (tens of
 * milliseconds on small machines), so committing per message bounds a shard to a few dozen messages a second.
 * A failure of the batch as a whole (database or broker unavailable) rolls it back; the broker delivers it again
 * and work that had completed is recognised by its completion record.
 */
final class ShardConsumer implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ShardConsumer.class);

    private final ConnectionFactory connectionFactory;
    private final String queue;
    private final PartnerWorker worker;
    private final int shard;
    private final int maxBatch;
    private volatile boolean running = true;
    private final Thread thread;
    /** Whether the broker is known to be gone (then the consumer waits for it rather than try to connect). */
    private final BrokerAvailability broker;
    /** The shard's lines of waiting work; read when the consumer connects and after a batch rolls back. */
    private ShardHolds holds;

    ShardConsumer(ConnectionFactory connectionFactory, String queue, int shard, PartnerWorker worker, int maxBatch,
                  BrokerAvailability broker) {
        this.connectionFactory = connectionFactory;
        this.broker = broker;
        this.queue = queue;
        this.shard = shard;
        this.worker = worker;
        this.maxBatch = maxBatch;
        this.thread = new Thread(this, "work-" + queue);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Asks the consumer to stop after its current batch. */
    void requestStop() {
        running = false;
    }

    /** Waits until the consumer has stopped, at most until {@code deadline} (System.nanoTime()). */
    void awaitStop(long deadline) throws InterruptedException {
        thread.join(Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    }

    @Override
    public void run() {
        while (running) {
            try (Connection connection = connectionFactory.createConnection()) {
                connection.start();
                long connectedAt = System.currentTimeMillis();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
                    BufferedReceiver buffered = new BufferedReceiver(consumer);
                    // read when the first message arrives, not now: an exclusive queue's standby consumer gets nothing
                    // until the owner goes, and what the owner left in work_hold is only complete then
                    holds = null;
                    // while the partner is down the consumer lets go of the shard: what it had taken in advance
                    // goes back to the queue (so the queue shows its age) and waits there in order
                    while (running && !worker.partnerDown()) {
                        Message first = consumer.receive(500);
                        if (first == null) continue;
                        List<Message> batch = new ArrayList<>();
                        batch.add(first);
                        Message next;
                        // what the client holds already; what the broker has not sent yet goes into the next batch
                        while (batch.size() < maxBatch && (next = buffered.nextBuffered()) != null) batch.add(next);
                        if (holds == null) holds = worker.holdsOf(shard); // this consumer now owns the shard
                        work(connection, session, batch, connectedAt);
                    }
                } finally {
                    session.close();
                }
            } catch (Exception e) {
                if (!running) return;
                log.warn("consumer of {} failed ({}); reconnecting in 1 s", queue, e.getMessage());
                pause(1000);
                awaitBroker(e);
            }
            // the partner is down: its work waits on the queue, using none of its attempts, until the circuit lets
            // a trial call through (after circuit-open-for); then the shard is taken again
            while (running && worker.partnerDown()) pause(100);
        }
    }

    private void work(Connection connection, Session session, List<Message> batch, long connectedAt) throws Exception {
        TransactionSynchronizationManager.bindResource(connectionFactory, new JmsResourceHolder(connectionFactory, connection, session));
        try {
            worker.processBatch(batch, connectedAt, holds);
            session.commit();
        } catch (Exception e) {
            log.warn("batch of {} from {} rolled back, the broker will deliver it again: {}", batch.size(), queue, e.getMessage());
            session.rollback();
            pause(1000); // the database or the broker is failing: do not spin
            awaitBroker(e);
            holds = reloadHolds(); // what the batch changed in memory never reached the database
        } finally {
            TransactionSynchronizationManager.unbindResource(connectionFactory);
        }
    }

    /**
     * While the broker is known to be gone, waits for it without trying to connect: every consumer trying in turn
     * at the shared connection's lock would hold up the intake and the health check behind them.
     */
    private void awaitBroker(Exception failure) {
        broker.failed(failure);
        while (running && broker.down()) pause(100);
    }

    /** The shard's lines as the database has them; retried while the database is down (nothing can be worked then). */
    private ShardHolds reloadHolds() throws InterruptedException {
        while (true) {
            try {
                return worker.holdsOf(shard);
            } catch (RuntimeException dbDown) {
                if (!running) throw new InterruptedException("stopping");
                log.warn("cannot read the waiting work of {} ({}); trying again in 1 s", queue, dbDown.getMessage());
                Thread.sleep(1000);
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
