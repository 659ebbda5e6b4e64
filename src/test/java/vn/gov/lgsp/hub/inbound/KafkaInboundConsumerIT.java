package vn.gov.lgsp.hub.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vn.gov.lgsp.hub.infra.EventPublisher;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;

/**
 * The inbound Kafka consumer against the real (embedded) Kafka broker, with an accepting step that the test
 * controls: it fails, blocks or records, so what the consumer commits and hands over can be observed. The whole
 * hub's inbound (validation, inbox, queues, audit) is covered by HubFoundationIT and HubCrashIT.
 */
class KafkaInboundConsumerIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final String bootstrap = SharedInfrastructure.get().kafkaBootstrap();
    private final String topic = "inbound-it-" + UUID.randomUUID();
    private final String group = "inbound-it-" + UUID.randomUUID();
    private final List<KafkaInboundConsumer> started = new ArrayList<>();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    /** The batches prepared (checked and planned), as the events' texts, in the order prepared. */
    private final List<List<String>> prepared = new CopyOnWriteArrayList<>();
    /** The batches handed to the accepting step, as the events' texts; failed attempts included. */
    private final List<List<String>> batches = new CopyOnWriteArrayList<>();
    /** The events of the batches accepted, in the order accepted. */
    private final List<String> accepted = new CopyOnWriteArrayList<>();
    /** When each batch of {@link #batches} was handed to the accepting step (System.nanoTime()). */
    private final List<Long> handedOverAt = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopConsumers() throws InterruptedException {
        for (KafkaInboundConsumer c : started) c.stop();
    }

    @Test
    void aBatchThatCannotBeMadeDurableIsRetriedAndItsOffsetsAreCommittedOnlyAfterIt() throws Exception {
        AtomicInteger failuresLeft = new AtomicInteger(2);
        List<Map<TopicPartition, OffsetAndMetadata>> committedWhileFailing = new CopyOnWriteArrayList<>();
        start(500, Duration.ofMillis(10), batch -> {
            if (failuresLeft.getAndDecrement() > 0) {
                committedWhileFailing.add(committed());
                throw new IllegalStateException("database unavailable");
            }
        });
        publish("D1", "e1", "e2", "e3");

        await().atMost(WAIT).until(() -> accepted.containsAll(List.of("e1", "e2", "e3")));
        assertThat(committedWhileFailing).hasSize(2).allSatisfy(offsets -> assertThat(offsets).isEmpty());
        // the failed batch was offered again as it was, and nothing after it was accepted in its place
        assertThat(batches.get(0)).isEqualTo(batches.get(1)).isEqualTo(batches.get(2));
        await().atMost(WAIT).untilAsserted(() -> assertThat(committedCount()).isEqualTo(3));
        assertThat(metrics.get("hub.inbound.accept.failures").counter().count()).isEqualTo(2);
        assertThat(metrics.get("hub.inbound.batch.events").summary().totalAmount()).isEqualTo(3);
    }

    @Test
    void aBatchNotAcceptedWhenTheHubStopsIsConsumedAgainAfterTheRestart() throws Exception {
        KafkaInboundConsumer first = start(500, Duration.ofMillis(10), batch -> {
            throw new IllegalStateException("broker unavailable");
        });
        publish("D2", "e1", "e2");
        await().atMost(WAIT).until(() -> !batches.isEmpty());
        first.stop();
        assertThat(committed()).isEmpty();

        batches.clear();
        start(500, Duration.ofMillis(10), batch -> { });
        await().atMost(WAIT).until(() -> accepted.containsAll(List.of("e1", "e2")));
        await().atMost(WAIT).untilAsserted(() -> assertThat(committedCount()).isEqualTo(2));
    }

    @Test
    void eventsArrivingWhileABatchIsAcceptedAreCollectedInBatchesNoLargerThanMaxPollRecordsAndNoneIsLost() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        start(3, Duration.ZERO, batch -> {
            if (calls.getAndIncrement() == 0) waitFor(release);
        });
        publish("D3", "e0");
        await().atMost(WAIT).until(() -> calls.get() == 1);
        List<String> more = new ArrayList<>();
        for (int i = 1; i <= 10; i++) more.add("e" + i);
        publish("D3", more.toArray(String[]::new));
        release.countDown();

        List<String> all = new ArrayList<>(List.of("e0"));
        all.addAll(more);
        // one partition (one key): every event once, in the order published
        await().atMost(WAIT).untilAsserted(() -> assertThat(accepted).containsExactlyElementsOf(all));
        assertThat(batches).allSatisfy(b -> assertThat(b).hasSizeLessThanOrEqualTo(3));
        await().atMost(WAIT).untilAsserted(() -> assertThat(committedCount()).isEqualTo(all.size()));
    }

    @Test
    void underLoadTheNextFullBatchIsPreparedWhileTheOneBeforeCommitsAndOffsetsFollowTheBatchesOrder() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        start(3, Duration.ZERO, batch -> {
            if (calls.getAndIncrement() == 0) waitFor(release);
        });
        publish("D4", "e0");
        await().atMost(WAIT).until(() -> calls.get() == 1);
        publish("D4", "e1", "e2", "e3");

        // the full batch behind the one being committed is prepared meanwhile, and waits for its turn
        await().atMost(WAIT).until(() -> prepared.size() == 2);
        assertThat(prepared.get(1)).containsExactly("e1", "e2", "e3");
        assertThat(calls.get()).isEqualTo(1);
        assertThat(committed()).isEmpty();
        release.countDown();

        await().atMost(WAIT).untilAsserted(() -> assertThat(accepted).containsExactly("e0", "e1", "e2", "e3"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(committedCount()).isEqualTo(4));
    }

    @Test
    void aBatchPreparedBehindOneNotAcceptedBeforeTheHubStopsIsNotCommittedEither() throws Exception {
        CountDownLatch failing = new CountDownLatch(1);
        KafkaInboundConsumer first = start(2, Duration.ZERO, batch -> {
            failing.countDown();
            throw new IllegalStateException("database unavailable");
        });
        publish("D5", "e0");
        waitFor(failing);
        publish("D5", "e1", "e2");
        await().atMost(WAIT).until(() -> prepared.size() == 2);
        first.stop();
        // e1 and e2 were prepared, but the batch before them was not made durable: nothing is committed
        assertThat(accepted).isEmpty();
        assertThat(committed()).isEmpty();

        start(2, Duration.ZERO, batch -> { });
        await().atMost(WAIT).untilAsserted(() -> assertThat(accepted).containsExactly("e0", "e1", "e2"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(committedCount()).isEqualTo(3));
    }

    /**
     * The batch interval bounds how often a batch that is not full is made durable, not how long an event waits: after
     * a quiet spell an event is handed over at once (before, it waited a whole interval for company that, at a
     * province's pace, never comes), and the events that follow within the interval wait for its end and go together.
     */
    @Test
    void anEventAfterAQuietSpellIsHandedOverAtOnceAndThoseFollowingItWaitForTheInterval() throws Exception {
        Duration interval = Duration.ofSeconds(4);
        start(500, interval, batch -> { });
        publish("D7", "e0"); // the consumer joins its group and takes its first batch
        await().atMost(WAIT).until(() -> accepted.contains("e0"));
        // a quiet spell: an interval without events since e0's batch (a condition on time, the feature being about time)
        await().atMost(WAIT).until(() -> System.nanoTime() - handedOverAt.get(0) > interval.toNanos());

        long publishedAt = System.nanoTime();
        publish("D7", "e1");
        await().atMost(WAIT).until(() -> accepted.contains("e1"));
        assertThat(batches.get(1)).containsExactly("e1");
        // handed over without waiting for the interval (4 s): the fetch and the hand-over are milliseconds here
        assertThat(Duration.ofNanos(handedOverAt.get(1) - publishedAt)).isLessThan(interval);

        publish("D7", "e2", "e3");
        await().atMost(WAIT).until(() -> accepted.contains("e3"));
        assertThat(batches.get(2)).containsExactly("e2", "e3");
        // at most one batch that is not full per interval: e2 and e3 waited for the end of e1's
        assertThat(Duration.ofNanos(handedOverAt.get(2) - handedOverAt.get(1))).isGreaterThanOrEqualTo(interval.minusMillis(5));
        assertThat(batches).hasSize(3);
    }

    @Test
    void acceptedOffsetsWaitForTheCommitIntervalAndAreCommittedWhenTheConsumerStops() throws Exception {
        KafkaInboundConsumer consumer = start(2, Duration.ZERO, Duration.ofHours(1), batch -> { });
        publish("D6", "e0", "e1", "e2", "e3", "e4");
        await().atMost(WAIT).untilAsserted(() -> assertThat(accepted).containsExactly("e0", "e1", "e2", "e3", "e4"));
        assertThat(batches).hasSizeGreaterThan(1);
        // durable but within the interval: not one offset commit per batch
        assertThat(committed()).isEmpty();
        consumer.stop();
        assertThat(committedCount()).isEqualTo(5);
    }

    private KafkaInboundConsumer start(int maxPollRecords, Duration batchInterval, Consumer<List<String>> step) {
        return start(maxPollRecords, batchInterval, new InboundProperties().getOffsetCommitInterval(), step);
    }

    private KafkaInboundConsumer start(int maxPollRecords, Duration batchInterval, Duration commitInterval, Consumer<List<String>> step) {
        InboundProperties props = new InboundProperties();
        props.setOffsetCommitInterval(commitInterval);
        props.setTopic(topic);
        props.setGroupId(group);
        props.setMaxPollRecords(maxPollRecords);
        props.setBatchInterval(batchInterval);
        InboundService accepting = new InboundService(null, null, null, null, null, null, null, null) {
            @Override
            public Prepared prepare(List<Incoming> batch) {
                prepared.add(batch.stream().map(Incoming::text).toList());
                return new Prepared(batch, List.of(), List.of(), List.of(), List.of(), Map.of());
            }

            @Override
            public List<Result> commit(Prepared p) {
                List<String> texts = p.batch().stream().map(Incoming::text).toList();
                handedOverAt.add(System.nanoTime());
                batches.add(texts);
                step.accept(texts);
                accepted.addAll(texts);
                return List.of();
            }
        };
        KafkaInboundConsumer consumer = new KafkaInboundConsumer(accepting, props, bootstrap, metrics);
        consumer.start();
        started.add(consumer);
        return consumer;
    }

    private void publish(String key, String... values) {
        try (EventPublisher publisher = new EventPublisher(bootstrap, topic)) {
            for (String v : values) publisher.publish(key, v);
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> committed() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not read the group's committed offsets", e);
        }
    }

    /** All events are published with one key: the committed offset of their partition is how many were committed. */
    private long committedCount() {
        return committed().values().stream().mapToLong(OffsetAndMetadata::offset).sum();
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
