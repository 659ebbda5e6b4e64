package vn.gov.lgsp.hub.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A main class (a hub, a probe, a broker) in a JVM of its own on the test's class path, as a cluster member would
 * run: killed (SIGKILL) or stopped (SIGTERM) by the test, its output in a log file of its own.
 */
public class ChildJvm implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    protected ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** A short-lived test member with {@link #testJvmOptions}; its output in {@link #log(String) log(name)}. */
    public static ChildJvm start(Class<?> main, Map<String, String> props, String name, String heap) throws IOException {
        Path log = log(name);
        return new ChildJvm(name, launch(main, testJvmOptions(heap), props, log), log);
    }

    /** Starts {@code main} with these JVM options and system properties, its output (stderr too) to {@code log}. */
    public static Process launch(Class<?> main, List<String> jvmOptions, Map<String, String> props, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(main.getName());
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /**
     * C1 only: a test member lives for seconds to minutes, so it starts fast rather than reaching peak speed (full
     * JIT, measured, starts slower: 10 s against 8 s for a hub on an idle 2-core machine).
     */
    static List<String> testJvmOptions(String heap) {
        return List.of("-Xmx" + heap, "-XX:TieredStopAtLevel=1", "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
                "-Dsun.net.httpserver.nodelay=true", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    }

    public String name() {
        return name;
    }

    public Process process() {
        return process;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    public String logText() throws IOException {
        return Files.readString(log);
    }

    /** SIGKILL, as a machine failure: no shutdown hook runs, nothing is flushed, nobody is told. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
        assertThat(process.exitValue()).as("%s's exit code after SIGKILL", name).isEqualTo(137);
    }

    /**
     * SIGTERM, as Kubernetes or a redeployment stops an instance: the process must exit within {@code within}, with
     * the exit code of a graceful stop. Returns how long it took from the signal to the exit.
     */
    public Duration stop(Duration within) throws InterruptedException {
        long signal = System.nanoTime();
        process.destroy();
        assertThat(process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)).as("%s stops within %s of SIGTERM", name, within).isTrue();
        Duration took = Duration.ofNanos(System.nanoTime() - signal);
        assertThat(process.exitValue()).as("%s's exit code after SIGTERM", name).isIn(0, 143);
        return took;
    }

    /** Waits until the process has logged a line containing {@code text}. */
    public void awaitLog(String text, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> logText().contains(text));
    }

    /** Whatever state the test left it in: gone before the next test starts (its ports, journal and CPU freed). */
    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    public static Path log(String name) {
        return Path.of(System.getProperty("java.io.tmpdir"), name + ".log");
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A new database on the shared PostgreSQL; its JDBC URL. */
    public static String newDatabase(EmbeddedInfrastructure infra, String name) throws Exception {
        try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), "postgres", ""); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return infra.jdbcUrl().replace("/postgres?", "/" + name + "?").replaceFirst("/postgres$", "/" + name);
    }

    public static void awaitHealthy(int port, Duration atMost) {
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(atMost).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> isHealthy(http, port));
    }

    /** The hub on {@code port} answers its health check UP. */
    static boolean isHealthy(HttpClient http, int port) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 && r.body().contains("\"status\":\"UP\"");
    }

    /**
     * The test JVM's class path as plain entries: surefire hands the JVM a manifest-only jar, whose Class-Path
     * the child would otherwise see next to the jar itself (and Camel would then find each route file twice).
     */
    public static String classPath() throws IOException {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                try (java.util.jar.JarFile jar = new java.util.jar.JarFile(entry)) {
                    String manifestPath = jar.getManifest() == null ? null : jar.getManifest().getMainAttributes().getValue("Class-Path");
                    if (manifestPath != null && jar.getName().contains("surefire")) {
                        for (String url : manifestPath.trim().split("\\s+")) entries.add(Path.of(URI.create(url)).toString());
                        continue;
                    }
                }
            }
            entries.add(entry);
        }
        return String.join(File.pathSeparator, new java.util.LinkedHashSet<>(entries));
    }
}
