package vn.gov.lgsp.hub.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import vn.gov.lgsp.connector.nationalportal.simulator.PortalSimulator;
import vn.gov.lgsp.connector.zalo.simulator.ZaloSimulator;
import vn.gov.lgsp.hub.HubApplication;
import vn.gov.lgsp.hub.infra.ChildJvm;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.HubProperties;

/**
 * A hub instance in a JVM of its own, as the benchmarks that keep the hub apart from the bench JVM start it
 * ({@link ClusterBenchmark}, {@link SustainedBenchmark}): its properties, its start and its stop.
 */
record HubJvm(String name, Process process, int port) implements MeasuredJvm {

    /**
     * As ClusterIT configures its members, plus the benchmark's settings (bench/README.md). Each instance runs its
     * own Zalo simulator unless {@link #externalZalo} points it at one elsewhere.
     */
    static Map<String, String> properties(EmbeddedInfrastructure infra, String dbUrl, int brokerPort, PortalSimulator portal, String run) {
        return new HubProperties(infra, dbUrl, run)
                .broker("tcp://localhost:" + brokerPort)
                .portal(portal, "bench-cluster", "bench-cluster-password")
                // the workload touches the portal and Zalo only (phones without Zalo are nudged away: no SMS)
                .partnersOff("sms", "vnpost", "vietinbank", "police", "tax")
                .put("spring.datasource.hikari.maximum-pool-size", "16")
                // each instance its own Zalo simulator: ZNS out, delivery receipts back to that instance's webhook
                .put("hub.simulators.zalo.enabled", "true")
                .put("hub.simulators.zalo.rating.share", "0")
                // as HubBenchmark: the ZNS quota is a contract, not hub capacity; pollers at config/'s intervals; quiet logs
                .put("hub.queues.partners.zalo.rate-limit-per-second", "0")
                .put("hub.metrics.refresh", "15000")
                .put("hub.partners.zalo.webhook-drain-interval", "2s")
                .put("logging.level.vn.gov.lgsp", "WARN")
                .put("logging.level.org.apache", "WARN")
                .put("logging.level.kafka", "WARN")
                .put("logging.level.org.springframework", "WARN")
                .toMap();
    }

    /**
     * The hub's Zalo connector pointed at a simulator outside its JVM, as at a partner's front door: the simulator's
     * HTTP server and its webhook client then cost the process that holds it, not the hub. (The simulator's
     * delivery receipts need the hub's port: {@link ZaloSimulator#setWebhookUrl} once it has started.)
     */
    static void externalZalo(Map<String, String> p, ZaloSimulator zalo) {
        p.put("hub.simulators.zalo.enabled", "false");
        p.remove("hub.simulators.zalo.rating.share");
        p.put("hub.partners.zalo.base-url", zalo.baseUrl());
        p.put("hub.partners.zalo.oauth-url", zalo.baseUrl());
        p.put("hub.partners.zalo.oa-api-url", zalo.baseUrl());
        p.put("hub.partners.zalo.app-id", zalo.appId);
        p.put("hub.partners.zalo.app-secret", zalo.appSecret);
        p.put("hub.partners.zalo.oa-secret", zalo.oaSecret);
        p.put("hub.partners.zalo.initial-refresh-token", zalo.issueRefreshToken());
    }

    /**
     * Starts a hub and waits until it is healthy. Unlike ChildJvm (short-lived test members: C1 only, to start fast),
     * with the full JIT and the collector production runs ({@link #collectorName}), so that what is measured is compiled code.
     * Its output goes to {@code <out>/<logPrefix>-<name>.log}.
     */
    static HubJvm start(String name, Map<String, String> props, String heap, Path out, String logPrefix) throws Exception {
        int port = ChildJvm.freePort();
        List<String> options = new ArrayList<>(List.of("-Xmx" + heap));
        options.addAll(collector(collectorName()));
        options.addAll(List.of("-Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
                "-Dsun.net.httpserver.nodelay=true", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-Dserver.port=" + port));
        // its collections, with the wall-clock time each ended: set beside a paced run's worst seconds (GcPauses)
        options.add("-Xlog:gc:file=" + gcLog(out, name) + ":time");
        // e.g. -Dbench.hub-jvm-options="-XX:StartFlightRecording=filename=target/bench/hub.jfr,settings=profile": a look inside
        String extra = System.getProperty("bench.hub-jvm-options", "").trim();
        if (!extra.isEmpty()) options.addAll(List.of(extra.split("\\s+")));
        Process process = ChildJvm.launch(HubApplication.class, options, props, out.resolve(logPrefix + "-" + name + ".log"));
        // a bench run stopped half-way (Ctrl-C) leaves no hub behind holding its ports and the machine's cores
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "bench-stop-" + name));
        try {
            ChildJvm.awaitHealthy(port, Duration.ofMinutes(4));
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
        return new HubJvm(name, process, port);
    }

    /**
     * The hub's collector ({@code -Dbench.hub-gc}): by default {@code parallel}, as deploy/k8s runs it; {@code g1} (with
     * the benchmark's settings, bench/run.sh) or {@code serial} (what the JDK picks by itself under 1792 MB) to compare.
     */
    static String collectorName() {
        return System.getProperty("bench.hub-gc", "parallel");
    }

    static List<String> collector(String name) {
        return switch (name) {
            case "g1" -> List.of("-XX:+UseG1GC", "-XX:-G1UseAdaptiveIHOP", "-XX:InitiatingHeapOccupancyPercent=70");
            case "parallel" -> List.of("-XX:+UseParallelGC");
            case "serial" -> List.of("-XX:+UseSerialGC");
            default -> throw new IllegalArgumentException("bench.hub-gc: g1, parallel or serial, not " + name);
        };
    }

    /** The hub's -Xlog:gc file. */
    static Path gcLog(Path out, String name) {
        return out.resolve("gc-hub-" + name + ".log");
    }

    /** Stops the hub (SIGTERM: a graceful shutdown), forcibly after a minute. */
    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A bench JVM has no Spring context to set its log levels: the broker would log at INFO, its audit log a line per
     * management call (each hub reads the queue depths through them), CPU counted as the infrastructure's.
     */
    static void quietLogs() {
        for (String logger : new String[] {"org.apache", "org.eclipse.jetty", "kafka", "io.zonky"}) {
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(logger)).setLevel(ch.qos.logback.classic.Level.WARN);
        }
        // each management call's temporary reply queue (a hub reads its queue depths every hub.metrics.refresh) has no
        // dead-letter or expiry address, as temporary queues never need one: two warnings a call, nothing to act on
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.apache.activemq.artemis.core.server"))
                .setLevel(ch.qos.logback.classic.Level.ERROR);
    }
}
