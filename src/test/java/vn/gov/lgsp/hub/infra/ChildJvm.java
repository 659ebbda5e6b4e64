package vn.gov.lgsp.hub.infra;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts a main class (a hub, a probe) as a separate JVM on the test's class path, as a cluster member would run. */
public final class ChildJvm {
    private ChildJvm() {
    }

    public static Process start(Class<?> main, Map<String, String> props, String name, String heap) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.add("-XX:TieredStopAtLevel=1"); // a short-lived test member: start fast rather than peak
        cmd.add("-Djava.util.concurrent.ForkJoinPool.common.parallelism=4");
        cmd.add("-Dsun.net.httpserver.nodelay=true");
        cmd.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(main.getName());
        File log = log(name).toFile();
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
    }

    public static Path log(String name) {
        return Path.of(System.getProperty("java.io.tmpdir"), name + ".log");
    }

    public static int freePort() throws Exception {
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
        await().atMost(atMost).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("\"status\":\"UP\"");
        });
    }

    /**
     * The test JVM's class path as plain entries: surefire hands the JVM a manifest-only jar, whose Class-Path
     * the child would otherwise see next to the jar itself (and Camel would then find each route file twice).
     */
    public static String classPath() throws Exception {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                try (java.util.jar.JarFile jar = new java.util.jar.JarFile(entry)) {
                    String manifestPath = jar.getManifest() == null ? null : jar.getManifest().getMainAttributes().getValue("Class-Path");
                    if (manifestPath != null && jar.getName().contains("surefire")) {
                        for (String url : manifestPath.trim().split("\\s+")) entries.add(Path.of(new URI(url)).toString());
                        continue;
                    }
                }
            }
            entries.add(entry);
        }
        return String.join(File.pathSeparator, new java.util.LinkedHashSet<>(entries));
    }
}
