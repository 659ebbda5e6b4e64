package vn.gov.lgsp.hub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Knows when each published event is done: it watches an updates topic (the hub's onestop.dossier.updates, or the
 * ceiling's own) for the updates the event must produce (PORTAL_SYNCED, plus CITIZEN_NOTIFIED for a receipt).
 * An update is only published after its partner call succeeded and its completion and audit rows committed, so
 * the last update's arrival is "event published -> last partner call done and recorded", one Kafka hop later.
 */
final class Completions implements AutoCloseable {
    private static final Pattern UUID_RE = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final class Pending {
        final long publishedNanos;
        final AtomicInteger remaining;
        volatile long doneNanos;

        Pending(long publishedNanos, int expected) {
            this.publishedNanos = publishedNanos;
            this.remaining = new AtomicInteger(expected);
        }
    }

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Set<String> seenUpdates = ConcurrentHashMap.newKeySet(); // a redelivered update counts once
    private final AtomicInteger done = new AtomicInteger();
    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    Completions(String bootstrap, String topic) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        consumer.subscribe(List.of(topic));
        // wait for the assignment before anything is published, or "latest" would skip the first updates
        while (consumer.assignment().isEmpty()) consumer.poll(Duration.ofMillis(100));
        consumer.seekToEnd(consumer.assignment());
        consumer.assignment().forEach(consumer::position);
        thread = new Thread(this::run, "bench-completions-" + topic);
        thread.setDaemon(true);
    }

    Completions start() {
        thread.start();
        return this;
    }

    /** Call just before the event is handed to the producer. */
    void published(String eventId, int expectedUpdates) {
        pending.put(eventId, new Pending(System.nanoTime(), expectedUpdates));
    }

    int done() {
        return done.get();
    }

    /** Blocks until {@code count} events are done or the timeout passes; returns the number done. */
    int awaitDone(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (done.get() < count && System.nanoTime() < deadline) Thread.sleep(20);
        return done.get();
    }

    /** Latencies (ms) of the done events, sorted; and the time the last of them completed. */
    record Result(double[] latenciesMs, long firstPublishNanos, long lastDoneNanos) {
        double percentile(double p) {
            if (latenciesMs.length == 0) return Double.NaN;
            int i = (int) Math.ceil(p / 100.0 * latenciesMs.length) - 1;
            return latenciesMs[Math.max(0, Math.min(latenciesMs.length - 1, i))];
        }
    }

    Result result() {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        double[] lat = new double[pending.size()];
        int n = 0;
        for (Pending p : pending.values()) {
            first = Math.min(first, p.publishedNanos);
            if (p.remaining.get() > 0) continue;
            last = Math.max(last, p.doneNanos);
            lat[n++] = (p.doneNanos - p.publishedNanos) / 1e6;
        }
        lat = Arrays.copyOf(lat, n);
        Arrays.sort(lat);
        return new Result(lat, first, last);
    }

    /** Forgets the phase's events (keeps memory flat across phases). */
    void reset() {
        pending.clear();
        seenUpdates.clear();
        done.set(0);
    }

    private void run() {
        while (running) {
            try {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.nanoTime();
                    JsonNode u = JSON.readTree(r.value());
                    String updateId = u.path("updateId").asText("");
                    if (!seenUpdates.add(updateId)) continue;
                    Matcher m = UUID_RE.matcher(updateId);
                    if (!m.find()) continue;
                    Pending p = pending.get(m.group());
                    if (p == null) continue; // an update of an earlier phase or of another flow
                    if (p.remaining.decrementAndGet() == 0) {
                        p.doneNanos = now;
                        done.incrementAndGet();
                    }
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                break;
            } catch (Exception e) {
                System.err.println("completions: " + e);
            }
        }
        consumer.close();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5000);
    }
}
