package vn.gov.lgsp.hub.dev;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import vn.gov.lgsp.hub.HubApplication;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;

/**
 * The demo run: {@code ./mvnw spring-boot:test-run}. Starts Kafka (KRaft, localhost:19092), PostgreSQL (data kept
 * in data/postgres, localhost:15432), the hub with an embedded Artemis (journal in data/artemis), the partner
 * simulators, and the one-stop traffic simulator. Any property may be overridden with -Dname=value, e.g.
 * {@code -Dspring-boot.run.jvmArguments="-Dhub.simulators.onestop.events-per-second=20"}.
 */
public final class HubDevApplication {
    private HubDevApplication() {}

    public static void main(String[] args) throws Exception {
        Instant started = Instant.now();
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Path data = Path.of(System.getProperty("hub.data-dir", "data")).toAbsolutePath();
        Files.createDirectories(data.resolve("postgres"));
        // the demo's token issuer on a fixed port, so the README's curl commands work
        if (System.getProperty("hub.dev.issuer-port") == null) System.setProperty("hub.dev.issuer-port", "18080");
        EmbeddedInfrastructure infra = new EmbeddedInfrastructure(
                Integer.getInteger("hub.dev.kafka-port", 19092), data.resolve("postgres"), Integer.getInteger("hub.dev.postgres-port", 15432));

        Map<String, String> props = new java.util.LinkedHashMap<>(infra.hubProperties(data.resolve("artemis")));
        props.put("hub.simulators.enabled", "true");
        props.put("hub.simulators.onestop.enabled", "true");
        // the embedded Kafka deletes its log directories in its own shutdown hook while the hub is stopping: work
        // still retrying against it would otherwise hold Camel's shutdown for its default 45 s
        props.put("camel.main.shutdown-timeout", "10");
        // citizen satisfaction in a demo's minutes, not hours: the invitation 20 s after the result, the simulated
        // citizens rating 15 s after it (6 in 10 on Zalo, half of the SMS recipients on the page, some twice); the
        // SMS link points at this hub
        props.put("hub.partners.zalo.rating.delay", "20s");
        props.put("hub.partners.zalo.rating.release-interval", "5s");
        props.put("hub.simulators.zalo.rating.delay", "15s");
        props.put("hub.simulators.sms.rating.delay", "15s");
        props.put("hub.satisfaction.public-base-url", "http://localhost:" + System.getProperty("server.port", "8080"));
        // system properties outrank config/application.yml; anything given with -D on the command line wins
        props.forEach((k, v) -> {
            if (System.getProperty(k) == null) System.setProperty(k, v);
        });
        // stopped before the embedded infrastructure when the JVM exits (SIGTERM, Ctrl-C)
        infra.closeFirst(SpringApplication.run(HubApplication.class, args));
        System.out.printf("%nLGSP hub ready in %.1f s: http://localhost:%s/actuator/health  (Kafka %s, PostgreSQL %s)%n",
                Duration.between(started, Instant.now()).toMillis() / 1000.0, System.getProperty("server.port", "8080"),
                infra.kafkaBootstrap(), infra.jdbcUrl());
        var issuer = infra.issuer();
        System.out.printf("Demo token issuer (demo only; keys and passwords new at every start): %s%n", issuer.issuer());
        issuer.passwords().forEach((user, password) -> System.out.printf("  user %-9s password %s%n", user, password));
        for (String client : new String[] {"onestop", "prometheus"}) {
            System.out.printf("  client %-7s secret   %s%n", client, issuer.client(client).secret());
        }
        System.out.printf("  TOKEN=$(curl -s -d grant_type=password -d client_id=lgsp-cli -d username=operator -d password=%s %s | jq -r .access_token)%n",
                issuer.password("operator"), issuer.tokenUri());
        System.out.printf("  curl -s -H \"Authorization: Bearer $TOKEN\" localhost:%s/api/v1/dead-letters%n", System.getProperty("server.port", "8080"));
        System.out.printf("  console: http://localhost:%s/console (sign in as one of the users above)%n", System.getProperty("server.port", "8080"));
    }
}
