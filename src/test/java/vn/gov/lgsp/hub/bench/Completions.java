package vn.gov.lgsp.hub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
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

    /** An event not done yet: the updates it still waits for (a redelivered update counts once). */
    private static final class Pending {
        final long publishedNanos;
        /** Wall clock (epoch microseconds) at publish, to compare with the hub's audit times. */
        final long publishedMicros = epochMicros();
        final String eventType;
        final Set<String> seen = ConcurrentHashMap.newKeySet();
        final AtomicInteger remaining;

        Pending(long publishedNanos, String eventType, int expected) {
            this.publishedNanos = publishedNanos;
            this.eventType = eventType;
            this.remaining = new AtomicInteger(expected);
        }
    }

    // a done event leaves only its latency behind, so a long run's driver does not grow with the events it sent
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private double[] latenciesMs = new double[1024];
    private int latencyCount;
    private long firstPublishNanos = Long.MAX_VALUE;
    private long lastDoneNanos = Long.MIN_VALUE;
    private final AtomicInteger done = new AtomicInteger();
    /** publish -> arrival of each update, by event and update type ("STATUS_CHANGED -> PORTAL_SYNCED"): which path makes the tail */
    private final Map<String, List<Double>> byUpdateType = new java.util.TreeMap<>();
    private final java.util.TreeMap<Integer, Double> worstEachSecond = new java.util.TreeMap<>();
    /** eventId -> {published, done} in epoch microseconds, for the phase's stage breakdown (paced phases). */
    private final Map<String, long[]> times = new java.util.HashMap<>();
    private boolean keepTimes;
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
    void published(String eventId, String eventType, int expectedUpdates) {
        long now = System.nanoTime();
        synchronized (this) {
            firstPublishNanos = Math.min(firstPublishNanos, now);
        }
        pending.put(eventId, new Pending(now, eventType, expectedUpdates));
    }

    int done() {
        return done.get();
    }

    /** Events published and not done yet. */
    int unfinished() {
        return pending.size();
    }

    /** Blocks until {@code count} events are done or the timeout passes; returns the number done. */
    int awaitDone(int count, Duration timeout) throws InterruptedException {
        return awaitDone(count, timeout, () -> false);
    }

    /** As {@link #awaitDone(int, Duration)}, and returns at once when {@code giveUp} says the rest will never come. */
    int awaitDone(int count, Duration timeout, java.util.function.BooleanSupplier giveUp) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (done.get() < count && System.nanoTime() < deadline && !giveUp.getAsBoolean()) Thread.sleep(20);
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

    synchronized Result result() {
        double[] lat = Arrays.copyOf(latenciesMs, latencyCount);
        Arrays.sort(lat);
        return new Result(lat, firstPublishNanos, lastDoneNanos);
    }

    /** n and p50/p95/p99 (ms) of publish -> arrival for each event and update type. */
    synchronized Map<String, Map<String, Double>> latencyByUpdateType() {
        Map<String, Map<String, Double>> out = new java.util.TreeMap<>();
        byUpdateType.forEach((type, values) -> {
            double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            Result r = new Result(sorted, 0, 0);
            Map<String, Double> figures = new java.util.LinkedHashMap<>();
            figures.put("n", (double) sorted.length);
            figures.put("p50", round(r.percentile(50)));
            figures.put("p95", round(r.percentile(95)));
            figures.put("p99", round(r.percentile(99)));
            out.put(type, figures);
        });
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /**
     * The worst latency of the events published in each second of the phase: whether a paced phase's p99 comes
     * from a few stalls of everything (and when) or from a spread-out tail.
     */
    synchronized List<Long> worstLatencyEachSecondMs() {
        return worstEachSecond.values().stream().map(Math::round).toList();
    }

    /** The phase's done events: eventId -> {published, done}, epoch microseconds. */
    synchronized Map<String, long[]> publishedAndDone() {
        return new java.util.HashMap<>(times);
    }

    static long epochMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    /**
     * Forgets the phase's events (keeps memory flat across phases); {@code keepTimes}: remember each event's
     * publish and done times for {@link #publishedAndDone} (not in the soak, whose heap is the measurement).
     */
    synchronized void reset(boolean keepTimes) {
        this.keepTimes = keepTimes;
        worstEachSecond.clear();
        times.clear();
        pending.clear();
        byUpdateType.clear();
        latencyCount = 0;
        firstPublishNanos = Long.MAX_VALUE;
        lastDoneNanos = Long.MIN_VALUE;
        done.set(0);
    }

    private synchronized void finished(String eventId, Pending p, long now) {
        if (keepTimes) times.put(eventId, new long[] {p.publishedMicros, p.publishedMicros + (now - p.publishedNanos) / 1000});
        if (latencyCount == latenciesMs.length) latenciesMs = Arrays.copyOf(latenciesMs, latencyCount * 2);
        double ms = (now - p.publishedNanos) / 1e6;
        latenciesMs[latencyCount++] = ms;
        worstEachSecond.merge((int) ((p.publishedNanos - firstPublishNanos) / 1_000_000_000L), ms, Math::max);
        lastDoneNanos = Math.max(lastDoneNanos, now);
        done.incrementAndGet();
    }

    private void run() {
        while (running) {
            try {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.nanoTime();
                    JsonNode u = JSON.readTree(r.value());
                    String updateId = u.path("updateId").asText("");
                    Matcher m = UUID_RE.matcher(updateId);
                    if (!m.find()) continue;
                    Pending p = pending.get(m.group());
                    if (p == null || !p.seen.add(updateId)) continue; // another phase's or flow's update, or a repeat
                    synchronized (this) {
                        byUpdateType.computeIfAbsent(p.eventType + " -> " + u.path("updateType").asText("?"), k -> new ArrayList<>())
                                .add((now - p.publishedNanos) / 1e6);
                    }
                    if (p.remaining.decrementAndGet() == 0) {
                        pending.remove(m.group());
                        finished(m.group(), p, now);
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
