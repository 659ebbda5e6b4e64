package vn.gov.lgsp.hub.bench;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import vn.gov.lgsp.connector.nationalportal.simulator.PortalSimulator;
import vn.gov.lgsp.connector.zalo.simulator.ZaloSimulator;
import vn.gov.lgsp.hub.HubApplication;
import vn.gov.lgsp.hub.infra.ChildJvm;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;

/**
 * A hub instance in a JVM of its own, as the benchmarks that keep the hub apart from the bench JVM start it
 * ({@link ClusterBenchmark}, {@link SustainedBenchmark}): its properties, its start and its stop.
 */
record HubJvm(String name, Process process, int port) {

    /**
     * As ClusterIT configures its members, plus the benchmark's settings (bench/README.md). Each instance runs its
     * own Zalo simulator unless {@link #externalZalo} points it at one elsewhere.
     */
    static Map<String, String> properties(EmbeddedInfrastructure infra, String dbUrl, int brokerPort, PortalSimulator portal, String run) {
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
     * with the full JIT and the benchmark's G1 settings (bench/run.sh), so that what is measured is compiled code.
     * Its output goes to {@code <out>/<logPrefix>-<name>.log}.
     */
    static HubJvm start(String name, Map<String, String> props, String heap, Path out, String logPrefix) throws Exception {
        int port = ChildJvm.freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.addAll(List.of("-XX:+UseG1GC", "-XX:-G1UseAdaptiveIHOP", "-XX:InitiatingHeapOccupancyPercent=70",
                "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4", "-Dsun.net.httpserver.nodelay=true",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-Dserver.port=" + port));
        // e.g. -Dbench.hub-jvm-options="-XX:StartFlightRecording=filename=target/bench/hub.jfr,settings=profile": a look inside
        String extra = System.getProperty("bench.hub-jvm-options", "").trim();
        if (!extra.isEmpty()) cmd.addAll(List.of(extra.split("\\s+")));
        props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-cp");
        cmd.add(ChildJvm.classPath());
        cmd.add(HubApplication.class.getName());
        File log = out.resolve(logPrefix + "-" + name + ".log").toFile();
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
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

    /** CPU of the hub's process so far (0 once it has ended). */
    long cpuNanos() {
        return ResourceMeter.processCpuNanos(process.pid());
    }

    /** CPU of the hub's JIT compiler threads so far. */
    long compilerCpuNanos() {
        return ResourceMeter.compilerCpuNanos(process.pid());
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
