package vn.gov.lgsp.hub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import vn.gov.lgsp.hub.infra.ChildJvm;
import vn.gov.lgsp.hub.infra.EmbeddedArtemisSettings;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;

/**
 * The Kafka broker or the Artemis broker of the sustained benchmark, each in a JVM of its own, as production runs them.
 * In the bench JVM they shared a heap and a collector with the simulators, the driver and the lean ceiling: each of
 * their collections stopped the brokers too, and the JVM's collector and compiler threads, which served the brokers
 * as well, were not counted as theirs. Here each broker's CPU is its whole process's ({@link #cpuNanos()}), and its
 * collections are its own ({@code <out>/gc-<name>.log}).
 *
 * <p>JVM settings: G1 with a 20 ms pause goal and marking from 35 % of the heap, the Kafka distribution's own defaults
 * (kafka-run-class.sh), for both; Artemis keeps the hub's work-queue settings ({@link EmbeddedArtemisSettings}).
 * {@code address}: Kafka's bootstrap address, or Artemis' TCP port.
 */
record BrokerJvm(String name, Process process, String address) implements MeasuredJvm, AutoCloseable {
    private static final String READY = "broker ready at ";

    static BrokerJvm kafka(Path out) throws Exception {
        int port = ChildJvm.freePort();
        return start("kafka", Map.of("bench.broker", "kafka", "bench.broker-port", Integer.toString(port)), out,
                "localhost:" + port);
    }

    static BrokerJvm artemis(Path out, Path dataDir) throws Exception {
        int port = ChildJvm.freePort();
        return start("artemis", Map.of("bench.broker", "artemis", "bench.broker-port", Integer.toString(port),
                "bench.broker-dir", dataDir.toString()), out, Integer.toString(port));
    }

    private static BrokerJvm start(String name, Map<String, String> props, Path out, String address) throws Exception {
        Path log = out.resolve("broker-" + name + ".log");
        List<String> options = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
                "-XX:InitiatingHeapOccupancyPercent=35", "-Djava.awt.headless=true",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-Xlog:gc:file=" + gcLog(out, name) + ":time"));
        Process process = ChildJvm.launch(BrokerJvm.class, options, props, log);
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "bench-stop-" + name));
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!(Files.exists(log) && Files.readString(log).contains(READY))) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("the " + name + " broker did not start; see " + log);
            }
            Thread.sleep(200); // polling another process's log
        }
        return new BrokerJvm(name, process, address);
    }

    static Path gcLog(Path out, String name) {
        return out.resolve("gc-" + name + ".log");
    }

    /** SIGTERM: the broker's shutdown hook stops it; killed if it has not ended in 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** The child's main: starts the broker named by -Dbench.broker and runs until the process is stopped. */
    public static void main(String[] args) throws Exception {
        HubJvm.quietLogs();
        int port = Integer.getInteger("bench.broker-port");
        AutoCloseable broker;
        if ("kafka".equals(System.getProperty("bench.broker"))) {
            var kafka = EmbeddedInfrastructure.embeddedKafka(port);
            broker = kafka::destroy;
        } else {
            var artemis = EmbeddedArtemisSettings.standaloneBroker(port, Path.of(System.getProperty("bench.broker-dir")));
            broker = artemis::stop;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.close();
            } catch (Exception e) {
                System.err.println("stopping the broker: " + e);
            }
        }, "broker-stop"));
        System.out.println(READY + port);
        System.out.flush();
        Thread.currentThread().join(); // until SIGTERM
    }
}
