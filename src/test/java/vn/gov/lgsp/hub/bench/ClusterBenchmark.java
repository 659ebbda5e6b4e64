package vn.gov.lgsp.hub.bench;

import static vn.gov.lgsp.hub.bench.HubBenchmark.round;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import vn.gov.lgsp.connector.nationalportal.simulator.PortalSimulator;
import vn.gov.lgsp.hub.infra.ChildJvm;
import vn.gov.lgsp.hub.infra.EmbeddedArtemisSettings;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;

/**
 * {@code bench/run.sh --cluster} (bench/README.md): the same workload against one, then two hub instances. Each hub
 * is a JVM of its own (as ClusterIT starts them, but with the full JIT: these run long enough to reach C2), on one
 * embedded Kafka and PostgreSQL and one standalone Artemis broker (TCP, the hub's address settings) in this JVM,
 * which also holds the shared portal simulator and the driver; each hub runs its own Zalo simulator (its delivery
 * receipts come back to that hub). Events are the hub phases' ({@link Workload#make}: a receipt is a portal sync and
 * a ZNS, a first step a portal sync). Per instance count: warm-up flat out twice (not reported), then flat out and
 * paced. Reports events/s, latency and the CPU of every process per 1,000 events. Not a test: it measures.
 */
public final class ClusterBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final PortalSimulator portal;
    private final KafkaSender kafka;
    private final Map<String, HubJvm> hubs = new LinkedHashMap<>();
    private final ResourceMeter meter = new ResourceMeter();

    private ClusterBenchmark(EmbeddedInfrastructure infra, PortalSimulator portal, String topic) {
        this.portal = portal;
        this.kafka = new KafkaSender(new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 1,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class)), topic);
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int events = Integer.getInteger("bench.cluster-events", 5_000);
        int warmup = Integer.getInteger("bench.cluster-warmup", 3_000);
        int rate = Integer.getInteger("bench.rate", 200);
        int rateSeconds = Integer.getInteger("bench.cluster-rate-seconds", 20);
        int instances = Integer.getInteger("bench.cluster-instances", 2);
        String heap = System.getProperty("bench.cluster-hub-heap", "512m");
        Path out = Path.of(System.getProperty("bench.out", "target/bench")).toAbsolutePath();
        Files.createDirectories(out);

        long t0 = System.nanoTime();
        HubJvm.quietLogs();
        EmbeddedInfrastructure infra = new EmbeddedInfrastructure(0, null, 0);
        String run = "benchcluster" + UUID.randomUUID().toString().substring(0, 8);
        Path brokerDir = Files.createTempDirectory(out, "cluster-artemis-");
        int brokerPort = ChildJvm.freePort();
        EmbeddedActiveMQ broker = EmbeddedArtemisSettings.standaloneBroker(brokerPort, brokerDir);
        PortalSimulator portal = new PortalSimulator("bench-cluster", "bench-cluster-password");
        portal.setRetainRequests(false);
        infra.createTopics(run + ".events", run + ".updates");
        Map<String, String> props = HubJvm.properties(infra, ChildJvm.newDatabase(infra, run), brokerPort, portal, run);
        ClusterBenchmark bench = new ClusterBenchmark(infra, portal, run + ".events");
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("date", OffsetDateTime.now().toString());
        report.put("parameters", Map.of("events", events, "warmup", warmup, "rate", rate, "rateSeconds", rateSeconds,
                "hubHeap", heap, "cores", Runtime.getRuntime().availableProcessors()));
        Map<String, Object> phases = new LinkedHashMap<>();
        report.put("phases", phases);
        int status = 0;
        try (Completions done = new Completions(infra.kafkaBootstrap(), run + ".updates").start()) {
            Workload workload = new Workload(20251202L);
            for (int n = 1; n <= instances; n++) {
                String name = "hub-" + n;
                bench.start(name, props, heap, out);
                System.out.printf("%s ready after %.1f s of the run%n", name, (System.nanoTime() - t0) / 1e9);
                // every instance, the new one included, gets the same warm-up before the measurements
                for (int round = 1; round <= 2; round++) {
                    bench.phase(n + " instance(s), warm-up " + round + " (not reported)", done, workload.make(warmup), 0);
                }
                phases.put(n + "_instances_flat_out", bench.phase(n + " instance(s), flat out", done, workload.make(events), 0));
                if (rateSeconds > 0) {
                    phases.put(n + "_instances_rate_" + rate, bench.phase(n + " instance(s), at " + rate + "/s", done,
                            workload.make(rate * rateSeconds), rate));
                }
            }
        } catch (Throwable e) {
            e.printStackTrace();
            status = 1;
        } finally {
            bench.stopHubs();
            portal.close();
            broker.stop();
            infra.close();
            HubBenchmark.deleteTree(brokerDir);
        }
        Files.writeString(out.resolve("report-cluster.json"), JSON.writeValueAsString(report));
        System.out.println("\n=== one vs several hub instances (2 cores) ===");
        phases.forEach((k, v) -> System.out.printf("%-26s %s%n", k, headline(v)));
        System.out.printf("report: %s; total run time %.1f s%n", out.resolve("report-cluster.json"), (System.nanoTime() - t0) / 1e9);
        System.exit(status);
    }

    private void start(String name, Map<String, String> props, String heap, Path out) throws Exception {
        hubs.put(name, HubJvm.start(name, props, heap, out, "cluster"));
    }

    private void stopHubs() {
        hubs.values().forEach(h -> h.process().destroy()); // all of them told at once, then each awaited
        hubs.values().forEach(HubJvm::stop);
    }

    /** Publishes flat out or paced, waits until every event is done; the CPU of every process per 1,000 events. */
    private Map<String, Object> phase(String name, Completions done, List<Workload.Event> events, int rate) throws Exception {
        System.out.printf("%n--- %s: %d events%s%n", name, events.size(), rate > 0 ? " at " + rate + "/s" : " flat out");
        done.reset(false);
        long portalBefore = portal.recordsAccepted();
        Map<String, Long> hubCpuBefore = hubCpuNanos();
        meter.begin();
        long start = System.nanoTime();
        long interval = rate > 0 ? 1_000_000_000L / rate : 0;
        for (int i = 0; i < events.size(); i++) {
            Workload.Event e = events.get(i);
            if (interval > 0) {
                long wait = start + i * interval - System.nanoTime();
                if (wait > 0) LockSupport.parkNanos(wait);
            }
            done.published(e.eventId(), e.type(), e.expectedUpdates());
            kafka.send(e);
        }
        kafka.flush();
        int finished = done.awaitDone(events.size(), Duration.ofMinutes(4));
        ResourceMeter.Usage usage = meter.end();
        Map<String, Long> hubCpuAfter = hubCpuNanos();
        Completions.Result r = done.result();
        double seconds = (r.lastDoneNanos() - r.firstPublishNanos()) / 1e9;
        int n = Math.max(1, finished);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("instances", hubs.size());
        m.put("events", events.size());
        m.put("completed", finished);
        m.put("offered_rate", rate > 0 ? rate : "flat out");
        m.put("seconds", round(seconds));
        m.put("events_per_s", round(finished / seconds));
        m.put("portal_calls", portal.recordsAccepted() - portalBefore);
        m.put("latency_p50_ms", round(r.percentile(50)));
        m.put("latency_p99_ms", round(r.percentile(99)));
        Map<String, Double> each = new LinkedHashMap<>();
        double hubsCpu = 0;
        for (var e : hubCpuAfter.entrySet()) {
            double s = (e.getValue() - hubCpuBefore.getOrDefault(e.getKey(), 0L)) / 1e9;
            hubsCpu += s;
            each.put(e.getKey(), round(s * 1000 / n));
        }
        m.put("cpu_s_per_1000_events_hubs", round(hubsCpu * 1000 / n));
        m.put("cpu_s_per_1000_events_each_hub", each);
        m.put("cpu_s_per_1000_events_infrastructure_jvm", round(usage.jvmCpuSeconds() * 1000 / n)); // Kafka, Artemis, portal, driver
        m.put("cpu_s_per_1000_events_postgres", round(usage.postgresCpuSeconds() * 1000 / n));
        double total = hubsCpu + usage.jvmCpuSeconds() + usage.postgresCpuSeconds();
        m.put("cpu_s_per_1000_events_all", round(total * 1000 / n));
        m.put("cpu_cores_busy", round(total / usage.wallSeconds()));
        System.out.println("    " + m);
        if (finished < events.size()) System.out.println("    WARNING: only " + finished + " of " + events.size() + " events completed");
        return m;
    }

    private Map<String, Long> hubCpuNanos() {
        Map<String, Long> cpu = new LinkedHashMap<>();
        hubs.forEach((name, hub) -> cpu.put(name, hub.cpuNanos()));
        return cpu;
    }

    @SuppressWarnings("unchecked")
    private static String headline(Object phase) {
        Map<String, Object> p = (Map<String, Object>) phase;
        return String.format("%7.0f events/s  p50 %7.1f  p99 %7.1f ms  cpu s/1000 events: hubs %.2f %s + infrastructure JVM %.2f"
                        + " + PostgreSQL %.2f = %.2f  (%.2f cores busy)", p.get("events_per_s"), p.get("latency_p50_ms"),
                p.get("latency_p99_ms"), p.get("cpu_s_per_1000_events_hubs"), p.get("cpu_s_per_1000_events_each_hub"),
                p.get("cpu_s_per_1000_events_infrastructure_jvm"), p.get("cpu_s_per_1000_events_postgres"),
                p.get("cpu_s_per_1000_events_all"), p.get("cpu_cores_busy"));
    }
}
