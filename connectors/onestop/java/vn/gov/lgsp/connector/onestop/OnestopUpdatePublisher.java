package vn.gov.lgsp.connector.onestop;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.DisposableBean;
import vn.gov.lgsp.hub.ops.KafkaClientProperties;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.model.DossierUpdate;
import vn.gov.lgsp.hub.work.UpdatePublisher;

/**
 * Publishes dossier updates on onestop.dossier.updates, key = dossier code (one dossier's updates stay in one
 * partition, in order). One idempotent producer (acks=all) for the whole hub: a batch of partner work sends its
 * updates together and waits once for the acknowledgements, so the broker round trips are shared.
 */
@Component
public class OnestopUpdatePublisher implements UpdatePublisher, DisposableBean {
    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final ObjectMapper json;
    private final long ackTimeoutMillis;

    public OnestopUpdatePublisher(OnestopProperties props, ObjectMapper json,
                                  KafkaClientProperties kafka) {
        this.topic = props.getUpdatesTopic();
        this.json = json;
        this.ackTimeoutMillis = props.getPublishTimeout().toMillis();
        int timeout = (int) ackTimeoutMillis;
        // hub.kafka.properties.* (SASL, TLS, ...) pass through; the delivery settings below are the hub's
        this.producer = new KafkaProducer<>(kafka.clientConfig(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 1,
                // a Kafka outage fails the batch within the timeout; the shard rolls back and tries again
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeout,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeout, 10_000),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout,
                ProducerConfig.CLIENT_ID_CONFIG, "lgsp-hub-updates",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class)));
    }

    /** Publishes the updates, each written by the hub's mapper (an update that came as work: its JSON read back). */
    public void publish(List<DossierUpdate> updates) {
        publish(updates, this::toJson);
    }

    @Override
    public void publish(List<DossierUpdate> updates, java.util.function.Function<DossierUpdate, String> jsonOf) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(updates.size());
        for (DossierUpdate u : updates) {
            sent.add(producer.send(new ProducerRecord<>(topic, u.dossierCode(), jsonOf.apply(u))));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ackTimeoutMillis);
        try {
            for (Future<RecordMetadata> f : sent) f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing dossier updates", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("dossier updates not acknowledged by Kafka (" + topic + "): " + cause, cause);
        }
    }

    private String toJson(DossierUpdate u) {
        try {
            return json.writeValueAsString(u);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public void destroy() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
