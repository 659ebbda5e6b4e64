package vn.gov.lgsp.hub.ops;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code hub.kafka.*}: the cluster shared with the one-stop system. {@code hub.kafka.properties.*} is passed to every
 * Kafka client of the hub (the inbound consumer, the updates producer, the health check's admin client) as it is:
 * security.protocol, sasl.mechanism, sasl.jaas.config, ssl.truststore.location, ... The hub's own delivery
 * settings (acks, idempotence, manual offset commits, serialisers) are not overridden by it.
 */
@ConfigurationProperties(prefix = "hub.kafka")
public class KafkaClientProperties {
    private String bootstrapServers = "localhost:9092";
    private Map<String, String> properties = new LinkedHashMap<>();

    public String getBootstrapServers() { return bootstrapServers; }
    public void setBootstrapServers(String bootstrapServers) { this.bootstrapServers = bootstrapServers; }
    public Map<String, String> getProperties() { return properties; }
    public void setProperties(Map<String, String> properties) { this.properties = properties; }

    /** A client configuration: the pass-through properties, then the bootstrap servers and the hub's own {@code settings}. */
    public Map<String, Object> clientConfig(Map<String, Object> settings) {
        Map<String, Object> config = new HashMap<>(properties);
        config.put("bootstrap.servers", bootstrapServers);
        config.putAll(settings);
        return config;
    }
}
