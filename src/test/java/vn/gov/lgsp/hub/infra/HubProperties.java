package vn.gov.lgsp.hub.infra;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vn.gov.lgsp.connector.nationalportal.simulator.PortalSimulator;

/**
 * The system properties of a hub in a JVM of its own ({@link HubProcess}, the benchmarks' hubs): the shared
 * embedded Kafka, PostgreSQL and token issuer, a database of its own, and the run's own topics and consumer group
 * ({@code <run>.events}, {@code <run>.updates}), so that runs never see each other's events.
 */
public final class HubProperties {
    private final Map<String, String> props = new LinkedHashMap<>();

    public HubProperties(EmbeddedInfrastructure infra, String dbUrl, String run) {
        props.put("spring.datasource.url", dbUrl);
        props.put("spring.datasource.username", "postgres");
        props.put("spring.datasource.password", "");
        props.put("hub.kafka.bootstrap-servers", infra.kafkaBootstrap());
        props.put("hub.security.issuer-uri", infra.issuer().issuer());
        props.put("hub.security.jwk-set-uri", infra.issuer().jwkSetUri());
        props.put("hub.inbound.topic", run + ".events");
        props.put("hub.inbound.group-id", run);
        props.put("hub.partners.onestop.updates-topic", run + ".updates");
    }

    /** The work queues on an Artemis broker inside the hub, persistent: a restart on the same journal finds them. */
    public HubProperties embeddedBroker(Path journal) {
        props.put("spring.artemis.mode", "embedded");
        props.put("spring.artemis.embedded.persistent", "true");
        props.put("spring.artemis.embedded.data-directory", journal.toString());
        return this;
    }

    /** The work queues on a broker (or pair) of their own, reached through {@code url}, as production has them. */
    public HubProperties broker(String url) {
        props.put("spring.artemis.mode", "native");
        props.put("spring.artemis.broker-url", url);
        return this;
    }

    /** The national portal's connector pointed at the simulator, with its account. */
    public HubProperties portal(PortalSimulator portal, String username, String password) {
        props.put("hub.partners.national-portal.base-url", portal.baseUrl());
        props.put("hub.partners.national-portal.username", username);
        props.put("hub.partners.national-portal.password", password);
        return this;
    }

    /** Partners the run has no simulator for: their work is dead-lettered as "not enabled"; VNPost's status polls stop too. */
    public HubProperties partnersOff(String... partners) {
        for (String partner : partners) props.put("hub.queues.partners." + partner + ".enabled", "false");
        if (List.of(partners).contains("vnpost")) props.put("hub.partners.vnpost.poll.enabled", "false");
        return this;
    }

    /**
     * How long Kafka waits for a member that stopped sending heartbeats (killed) before its partitions go to the
     * others, or to the member restarted in its place: the Kafka client's default, 45 s, would be most of a test
     * that kills a hub. Heartbeats every third of it, the most Kafka advises.
     */
    public HubProperties kafkaSessionTimeout(Duration timeout) {
        props.put("hub.kafka.properties.session.timeout.ms", Long.toString(timeout.toMillis()));
        props.put("hub.kafka.properties.heartbeat.interval.ms", Long.toString(timeout.toMillis() / 3));
        return this;
    }

    public HubProperties put(String key, String value) {
        props.put(key, value);
        return this;
    }

    /** A copy: a test may start several hubs from one set, each with its own additions. */
    public Map<String, String> toMap() {
        return new LinkedHashMap<>(props);
    }
}
