package vn.gov.lgsp.hub.bench;

import static vn.gov.lgsp.hub.bench.HubBenchmark.round;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import vn.gov.lgsp.connector.nationalportal.simulator.PortalSimulator;
import vn.gov.lgsp.hub.HubApplication;
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
    private final Map<String, Process> hubs = new LinkedHashMap<>();
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
        quietLogs();
        EmbeddedInfrastructure infra = new EmbeddedInfrastructure(0, null, 0);
        String run = "benchcluster" + UUID.randomUUID().toString().substring(0, 8);
        Path brokerDir = Files.createTempDirectory(out, "cluster-artemis-");
        int brokerPort = ChildJvm.freePort();
        EmbeddedActiveMQ broker = EmbeddedArtemisSettings.standaloneBroker(brokerPort, brokerDir);
        PortalSimulator portal = new PortalSimulator("bench-cluster", "bench-cluster-password");
        portal.setRetainRequests(false);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrap()))) {
            admin.createTopics(List.of(new NewTopic(run + ".events", 4, (short) 1), new NewTopic(run + ".updates", 4, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        Map<String, String> props = hubProperties(infra, ChildJvm.newDatabase(infra, run), brokerPort, portal, run);
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

    /**
     * This JVM has no Spring context to set its log levels: the broker would log at INFO, its audit log a line per
     * management call (each hub reads the queue depths through them), CPU counted as the infrastructure's.
     */
    private static void quietLogs() {
        for (String name : new String[] {"org.apache", "org.eclipse.jetty", "kafka", "io.zonky"}) {
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(name)).setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    /** As ClusterIT configures its members, plus the benchmark's settings (bench/README.md). */
    private static Map<String, String> hubProperties(EmbeddedInfrastructure infra, String dbUrl, int brokerPort, PortalSimulator portal,
                                                     String run) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("spring.datasource.url", dbUrl);
        p.put("spring.datasource.username", "postgres");
        p.put("spring.datasource.password", "");
        p.put("spring.datasource.hikari.maximum-pool-size", "16");
        p.put("hub.kafka.bootstrap-servers", infra.kafkaBootstrap());
        p.put("hub.security.issuer-uri", infra.issuer().issuer());
        p.put("hub.security.jwk-set-uri", infra.issuer().jwkSetUri());
        p.put("spring.artemis.mode", "native");
        p.put("spring.artemis.broker-url", "tcp://localhost:" + brokerPort);
        p.put("hub.inbound.topic", run + ".events");
        p.put("hub.inbound.group-id", run);
        p.put("hub.partners.onestop.updates-topic", run + ".updates");
        p.put("hub.partners.national-portal.base-url", portal.baseUrl());
        p.put("hub.partners.national-portal.username", "bench-cluster");
        p.put("hub.partners.national-portal.password", "bench-cluster-password");
        // each instance its own Zalo simulator: ZNS out, delivery receipts back to that instance's webhook
        p.put("hub.simulators.zalo.enabled", "true");
        p.put("hub.simulators.zalo.rating.share", "0");
        // the workload touches the portal and Zalo only (phones without Zalo are nudged away: no SMS)
        for (String off : List.of("sms", "vnpost", "vietinbank", "police", "tax")) p.put("hub.queues.partners." + off + ".enabled", "false");
        p.put("hub.partners.vnpost.poll.enabled", "false");
        // as HubBenchmark: the ZNS quota is a contract, not hub capacity; pollers at config/'s intervals; quiet logs
        p.put("hub.queues.partners.zalo.rate-limit-per-second", "0");
        p.put("hub.metrics.refresh", "15000");
        p.put("hub.partners.zalo.webhook-drain-interval", "2s");
        p.put("logging.level.vn.gov.lgsp", "WARN");
        p.put("logging.level.org.apache", "WARN");
        p.put("logging.level.kafka", "WARN");
        p.put("logging.level.org.springframework", "WARN");
        return p;
    }

    /**
     * A hub JVM of its own. Unlike ChildJvm (short-lived test members: C1 only, to start fast), with the full JIT and
     * the benchmark's G1 settings (bench/run.sh), so that what is measured is compiled code.
     */
    private void start(String name, Map<String, String> common, String heap, Path out) throws Exception {
        int port = ChildJvm.freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.addAll(List.of("-XX:+UseG1GC", "-XX:-G1UseAdaptiveIHOP", "-XX:InitiatingHeapOccupancyPercent=70",
                "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4", "-Dsun.net.httpserver.nodelay=true",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-Dserver.port=" + port));
        common.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-cp");
        cmd.add(ChildJvm.classPath());
        cmd.add(HubApplication.class.getName());
        File log = out.resolve("cluster-" + name + ".log").toFile();
        hubs.put(name, new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start());
        ChildJvm.awaitHealthy(port, Duration.ofMinutes(4));
    }

    private void stopHubs() {
        hubs.values().forEach(Process::destroy);
        for (Process p : hubs.values()) {
            try {
                if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
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
        hubs.forEach((name, p) -> cpu.put(name, ResourceMeter.processCpuNanos(p.pid())));
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

    /** A standalone broker as production has one (and as ClusterIT starts it): TCP, persistent journal, the hub's settings. */
}
