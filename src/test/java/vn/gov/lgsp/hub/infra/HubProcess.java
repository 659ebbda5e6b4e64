package vn.gov.lgsp.hub.infra;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import vn.gov.lgsp.hub.HubApplication;

/**
 * A hub instance in a JVM of its own, as a province runs one ({@link HubProperties} for what it is pointed at): a
 * test starts it on a port of its choosing (the same one again for a restart), waits until it is healthy, and kills
 * or stops it.
 */
public final class HubProcess extends ChildJvm {
    private final int port;
    private final long startedAt = System.nanoTime();

    private HubProcess(ChildJvm jvm, int port) {
        super(jvm.name(), jvm.process(), jvm.log());
        this.port = port;
    }

    /** Starts the hub without waiting for it: several start side by side, or one starts under the test's traffic. */
    public static HubProcess start(String name, int port, Map<String, String> props, String heap) throws IOException {
        Map<String, String> withPort = new HashMap<>(props);
        withPort.put("server.port", Integer.toString(port));
        return new HubProcess(ChildJvm.start(HubApplication.class, withPort, name, heap), port);
    }

    public int port() {
        return port;
    }

    /** Waits until its health is UP (routes, queues, database and brokers included); a hub that exits fails at once. */
    public HubProcess awaitHealthy(Duration atMost) {
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(atMost).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .failFast(name() + " exited before it was healthy (its log: " + log() + ")", () -> !isAlive())
                .until(() -> isHealthy(http, port));
        System.out.printf("%s healthy %.1f s after its start%n", name(), (System.nanoTime() - startedAt) / 1e9);
        return this;
    }
}
