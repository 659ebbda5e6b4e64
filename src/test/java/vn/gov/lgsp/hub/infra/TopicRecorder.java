package vn.gov.lgsp.hub.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Records every message of a Kafka topic from the beginning, as the one-stop system would consume it. */
public final class TopicRecorder implements AutoCloseable {
    private static final Map<String, TopicRecorder> RECORDERS = new ConcurrentHashMap<>();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> messages = new CopyOnWriteArrayList<>();
    private final Thread poller;
    private volatile boolean running = true;

    public static TopicRecorder of(String bootstrap, String topic) {
        return RECORDERS.computeIfAbsent(bootstrap + "|" + topic, k -> new TopicRecorder(bootstrap, topic));
    }

    private TopicRecorder(String bootstrap, String topic) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "recorder-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        consumer.subscribe(List.of(topic));
        poller = new Thread(() -> {
            try (consumer) {
                while (running) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                        try {
                            messages.add(JSON.readTree(r.value()));
                        } catch (Exception e) {
                            messages.add(JSON.createObjectNode().put("unparseable", r.value()));
                        }
                    }
                }
            }
        }, "recorder-" + topic);
        poller.setDaemon(true);
        poller.start();
    }

    /** The messages of one dossier, in the order the topic holds them (one partition per dossier). */
    public List<JsonNode> forDossier(String dossierCode) {
        return messages.stream().filter(m -> dossierCode.equals(m.path("dossierCode").asText())).toList();
    }

    public List<JsonNode> all() {
        return List.copyOf(messages);
    }

    @Override
    public void close() {
        running = false;
    }
}
