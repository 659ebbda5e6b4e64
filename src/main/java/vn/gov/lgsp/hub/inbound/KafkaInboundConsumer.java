package vn.gov.lgsp.hub.inbound;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Consumes onestop.dossier.events in batches and commits the offsets only after {@link InboundService#accept} has
 * made a batch durable. If accepting fails (database or broker down) the same batch is retried with a growing
 * delay until it succeeds: the consumer never skips an event. Invalid events do not fail a batch; they are recorded
 * as rejected.
 *
 * <p>Each of the {@code hub.inbound.consumers} consumers is three threads. The poll thread owns the Kafka consumer:
 * it polls, collects what arrives into the next batch and commits the offsets of the batches accepted. The prepare
 * thread checks a batch against the contract and runs it through the business routes ({@link InboundService#prepare},
 * CPU only); the accept thread makes one batch at a time durable ({@link InboundService#commit}), in the order they
 * were handed over. A batch is handed over once the accept thread is free and the batch is full
 * ({@code max-poll-records}) or {@code batch-interval} has passed since the batch before it was handed over: the
 * interval bounds how many batches a second are made durable, not how long an event waits, so an event after a quiet
 * spell (a province's usual pace) goes at once, and at a steady pace the events of one interval share a batch. Under
 * load a full batch is also handed over while the one before is being made durable, so that its preparation overlaps
 * that commit (two batches in flight at most). Offsets are committed in the batches' order, and never past a batch
 * that was not accepted. An event waits for at most the batch before it and one interval (Camel's batching consumer,
 * used before, polled nothing while a batch was accepted and kept the poll that closed an interval for the batch
 * after: up to twice the interval and two batches; bench/PROFILING.md).
 *
 * <p>The offsets of accepted batches are committed at most once per {@code offset-commit-interval} (and always when
 * partitions move away or the consumer stops): an offset commit is a write to the broker's offsets log, and one
 * per batch was the broker's largest single cost at a province's pace (bench/PROFILING.md). After a crash the
 * events of the last interval are consumed again and recognised by the inbox, as any redelivery is.
 */
@Component
public class KafkaInboundConsumer {
    private static final Logger log = LoggerFactory.getLogger(KafkaInboundConsumer.class);
    /** How long an idle poll waits; the accept thread and {@link #stop()} wake it earlier. */
    private static final Duration IDLE_POLL = Duration.ofMillis(500);
    private static final long RETRY_INITIAL_MS = 500, RETRY_MAX_MS = 30_000;
    /** Batches handed over and not yet committed to Kafka: one being made durable, the next being prepared. */
    private static final int IN_FLIGHT = 2;

    private final InboundService inbound;
    private final InboundProperties props;
    private final String brokers;
    /** hub.kafka.properties.* (SASL, TLS, ...) for the consumers; none when constructed by hand (tests). */
    private Map<String, String> clientProperties = Map.of();
    private final List<Loop> loops = new ArrayList<>();
    private final Timer acceptTime;
    private final DistributionSummary batchSize;
    private final Counter acceptFailures;

    public KafkaInboundConsumer(InboundService inbound, InboundProperties props,
                                @Value("${hub.kafka.bootstrap-servers}") String brokers, MeterRegistry metrics) {
        this.inbound = inbound;
        this.props = props;
        this.brokers = brokers;
        this.acceptTime = Timer.builder("hub.inbound.accept")
                .description("Time to make one batch of Kafka events durable (successful attempts)").register(metrics);
        this.batchSize = DistributionSummary.builder("hub.inbound.batch.events")
                .description("Events per batch accepted from Kafka").register(metrics);
        this.acceptFailures = Counter.builder("hub.inbound.accept.failures")
                .description("Attempts to accept a batch from Kafka that failed and were retried").register(metrics);
    }

    @org.springframework.beans.factory.annotation.Autowired(required = false)
    void setKafkaClientProperties(vn.gov.lgsp.hub.ops.KafkaClientProperties kafka) {
        this.clientProperties = Map.copyOf(kafka.getProperties());
    }

    /**
     * Starts once the hub accepts traffic: published after every ApplicationReadyEvent listener ran, so Camel runs
     * with its business routes and the shard consumers work the queues. (A batch accepted earlier would only be
     * retried: planning refuses it while the routes are not running.)
     */
    @EventListener
    public void onReadiness(AvailabilityChangeEvent<ReadinessState> event) {
        if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC) start();
    }

    public synchronized void start() {
        if (!loops.isEmpty()) return;
        for (int i = 0; i < props.getConsumers(); i++) {
            Loop loop = new Loop(i);
            loops.add(loop);
            loop.pollThread.start();
        }
    }

    /** On shutdown the consumers stop first, while Camel, the broker session and the database pool still run. */
    @EventListener(ContextClosedEvent.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public synchronized void stop() throws InterruptedException {
        loops.forEach(Loop::signalStop);
        // bounded: the accept thread gives up its retries at once when stopping, and an unaccepted batch is
        // consumed again after the restart (its offsets were not committed)
        for (Loop loop : loops) loop.pollThread.join(10_000);
        loops.clear();
    }

    /** One Kafka consumer of the group: its poll thread and its accept thread. */
    private final class Loop implements ConsumerRebalanceListener {
        private final KafkaConsumer<String, String> consumer;
        private final Thread pollThread;
        private final ExecutorService prepareThread;
        private final ExecutorService acceptThread;
        private final CountDownLatch stopping = new CountDownLatch(1);
        private volatile boolean running = true;

        /** Collected, not yet handed over. */
        private final List<ConsumerRecord<String, String>> next = new ArrayList<>();
        /**
         * When the last batch was handed over (System.nanoTime(): a wall clock set back would hold every batch until
         * it caught up): the next one that is not full is due an interval later. At start, long enough ago.
         */
        private long lastHandedOverAt = System.nanoTime() - props.getBatchInterval().toNanos();
        /**
         * The batches handed over, in order; each one's result is the offsets to commit (each partition's last record
         * + 1). Only the poll thread touches the deque.
         */
        private final java.util.ArrayDeque<Future<Map<TopicPartition, OffsetAndMetadata>>> inFlight = new java.util.ArrayDeque<>();
        /** Offsets of batches accepted (durable) and not yet committed to Kafka; only the poll thread touches them. */
        private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
        private long lastCommitAt = System.currentTimeMillis();
        private boolean paused;

        Loop(int index) {
            Map<String, Object> config = new HashMap<>(clientProperties);
            config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
            config.put(ConsumerConfig.GROUP_ID_CONFIG, props.getGroupId());
            config.put(ConsumerConfig.CLIENT_ID_CONFIG, props.getGroupId() + "-inbound-" + index);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, props.getMaxPollRecords());
            this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
            this.pollThread = new Thread(this::run, "inbound-kafka-" + index);
            this.pollThread.setDaemon(true); // stopped by stop(); never what keeps a JVM from exiting
            this.prepareThread = Executors.newSingleThreadExecutor(r -> daemon(r, "inbound-prepare-" + index));
            this.acceptThread = Executors.newSingleThreadExecutor(r -> daemon(r, "inbound-accept-" + index));
        }

        private static Thread daemon(Runnable r, String name) {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        }

        void signalStop() {
            running = false;
            stopping.countDown();
            consumer.wakeup();
        }

        private void run() {
            try {
                consumer.subscribe(List.of(props.getTopic()), this);
                while (running) {
                    try {
                        Map<TopicPartition, OffsetAndMetadata> accepted = takeAccepted(false);
                        handOverIfDue();
                        // committed while the next batch is being accepted, not before handing it over
                        if (accepted != null) uncommitted.putAll(accepted); // a later batch's offset is the higher one
                        commitAccepted(false);
                        collect(poll());
                    } catch (RuntimeException e) {
                        log.error("inbound Kafka consumer failed ({}); polling again in 1 s", e.getMessage(), e);
                        stopping.await(1, TimeUnit.SECONDS);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                close();
            }
        }

        private Duration poll() {
            long now = System.currentTimeMillis();
            long wait = IDLE_POLL.toMillis();
            if (inFlight.isEmpty() && !next.isEmpty()) wait = untilDue();
            // accepted offsets are not left uncommitted for longer than the interval while the topic is quiet
            if (!uncommitted.isEmpty()) wait = Math.min(wait, lastCommitAt + props.getOffsetCommitInterval().toMillis() - now);
            return Duration.ofMillis(Math.max(0, wait));
        }

        /** Milliseconds until a batch that is not full is due (rounded up); 0 once it is. */
        private long untilDue() {
            long nanos = lastHandedOverAt + props.getBatchInterval().toNanos() - System.nanoTime();
            return nanos <= 0 ? 0 : (nanos + 999_999) / 1_000_000;
        }

        /** Commits the accepted offsets if the interval has passed since the last commit (or at once: {@code now}). */
        private void commitAccepted(boolean now) {
            if (uncommitted.isEmpty()) return;
            long at = System.currentTimeMillis();
            if (!now && at - lastCommitAt < props.getOffsetCommitInterval().toMillis()) return;
            commit(new HashMap<>(uncommitted));
            uncommitted.clear();
            lastCommitAt = at;
        }

        private void collect(Duration timeout) {
            try {
                var records = consumer.poll(timeout);
                if (records.isEmpty()) return;
                records.forEach(next::add);
                // a full batch waits for the accept thread: fetch no more, but keep polling to stay in the group
                if (next.size() >= props.getMaxPollRecords() && !paused) {
                    consumer.pause(consumer.assignment());
                    paused = true;
                }
            } catch (WakeupException e) {
                // the accept thread finished a batch, or the hub is stopping
            }
        }

        private void handOverIfDue() {
            if (inFlight.size() >= IN_FLIGHT || next.isEmpty()) return;
            boolean full = next.size() >= props.getMaxPollRecords();
            // behind a batch in flight only a full one: at a province's pace batches stay whole, under load they overlap
            if (!inFlight.isEmpty() && !full) return;
            if (!full && untilDue() > 0) return;
            lastHandedOverAt = System.nanoTime();
            int size = Math.min(next.size(), props.getMaxPollRecords());
            List<ConsumerRecord<String, String>> batch = new ArrayList<>(next.subList(0, size));
            next.subList(0, size).clear();
            if (paused && next.size() < props.getMaxPollRecords()) {
                consumer.resume(consumer.paused());
                paused = false;
            }
            List<InboundService.Incoming> incoming = new ArrayList<>(batch.size());
            for (ConsumerRecord<String, String> r : batch) {
                incoming.add(new InboundService.Incoming("KAFKA", r.topic() + "/" + r.partition() + "@" + r.offset(), r.value()));
            }
            Future<InboundService.Prepared> preparing = prepareThread.submit(() -> inbound.prepare(incoming));
            inFlight.add(acceptThread.submit(() -> accept(batch, incoming, preparing)));
        }

        /**
         * On the accept thread, in the order the batches were handed over: until the batch is durable or the hub
         * stops. Once the hub stops, no further batch is made durable: offsets must never pass one that was not.
         */
        private Map<TopicPartition, OffsetAndMetadata> accept(List<ConsumerRecord<String, String>> batch,
                                                              List<InboundService.Incoming> incoming,
                                                              Future<InboundService.Prepared> preparing) throws Exception {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (ConsumerRecord<String, String> r : batch) {
                offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
            }
            InboundService.Prepared prepared = null;
            try {
                if (!running) throw new IllegalStateException("the hub is stopping");
                for (long delay = RETRY_INITIAL_MS; ; delay = Math.min(delay * 2, RETRY_MAX_MS)) {
                    try {
                        if (prepared == null) prepared = preparing != null ? preparedBy(preparing) : inbound.prepare(incoming);
                        long start = System.nanoTime();
                        inbound.commit(prepared);
                        acceptTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                        batchSize.record(batch.size());
                        return offsets;
                    } catch (RuntimeException e) {
                        preparing = null; // a failed preparation (the routes not running yet) is made again here
                        acceptFailures.increment();
                        if (!running) throw e;
                        log.warn("accepting a batch of {} events failed ({}); retrying in {} ms", batch.size(), e.getMessage(), delay);
                        if (stopping.await(delay, TimeUnit.MILLISECONDS)) throw e;
                    }
                }
            } finally {
                consumer.wakeup();
            }
        }

        private InboundService.Prepared preparedBy(Future<InboundService.Prepared> preparing) throws InterruptedException {
            try {
                return preparing.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                throw new IllegalStateException(e.getCause());
            }
        }

        /**
         * The offsets of the batches accepted, oldest first, as far as they are done in a row (with {@code wait}: all
         * of them, once they are); null if none. A batch not accepted (only when stopping) ends the run: neither it
         * nor any batch after it is committed, and they are consumed again after the restart.
         */
        private Map<TopicPartition, OffsetAndMetadata> takeAccepted(boolean wait) {
            Map<TopicPartition, OffsetAndMetadata> offsets = null;
            while (!inFlight.isEmpty() && (wait || inFlight.peek().isDone())) {
                Future<Map<TopicPartition, OffsetAndMetadata>> head = inFlight.poll();
                try {
                    if (offsets == null) offsets = new HashMap<>();
                    offsets.putAll(head.get()); // a later batch's offset of a partition is the higher one
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return offsets;
                } catch (Exception e) {
                    log.warn("{} batch(es) not accepted before the hub stopped; they will be consumed again: {}",
                            1 + inFlight.size(), e.getMessage());
                    inFlight.forEach(f -> f.cancel(false));
                    inFlight.clear();
                }
            }
            return offsets == null || offsets.isEmpty() ? null : offsets;
        }

        private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
            while (true) {
                try {
                    consumer.commitSync(offsets);
                    return;
                } catch (WakeupException e) {
                    // meant for the poll; the commit is repeated (committing the same offsets twice is harmless)
                } catch (Exception e) {
                    // e.g. the group moved the partitions on: their new owner consumes from the last commit, and
                    // what this batch accepted twice is recognised by the inbox
                    log.warn("offsets {} not committed: {}", offsets, e.getMessage());
                    return;
                }
            }
        }

        /** Before partitions move to another consumer: finish the batch being accepted and commit it. */
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> accepted = takeAccepted(true);
            if (accepted != null) uncommitted.putAll(accepted);
            commitAccepted(true);
            forget(partitions);
        }

        /** Partitions lost (this consumer was dropped from the group): nothing can be committed for them. */
        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            uncommitted.keySet().removeAll(partitions);
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (paused) consumer.pause(partitions);
        }

        /** Drops what was collected from partitions this consumer no longer owns: their next owner consumes them. */
        private void forget(Collection<TopicPartition> partitions) {
            next.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
            if (next.isEmpty() && paused) {
                consumer.resume(consumer.paused());
                paused = false;
            }
        }

        private void close() {
            Map<TopicPartition, OffsetAndMetadata> accepted = takeAccepted(true);
            if (accepted != null) uncommitted.putAll(accepted);
            commitAccepted(true);
            prepareThread.shutdownNow();
            acceptThread.shutdownNow();
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (Exception e) {
                log.warn("closing the inbound Kafka consumer: {}", e.getMessage());
            }
        }
    }
}
