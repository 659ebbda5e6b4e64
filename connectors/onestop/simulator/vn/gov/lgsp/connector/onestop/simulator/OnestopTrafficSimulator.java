package vn.gov.lgsp.connector.onestop.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays the province's one-stop system in the demo: publishes dossier events to onestop.dossier.events at a
 * steady rate, many dossiers' lifecycles interleaved, with a small share of invalid events (as real systems
 * occasionally send) so the rejected-message view has something to show.
 */
public class OnestopTrafficSimulator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OnestopTrafficSimulator.class);

    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final double eventsPerSecond;
    private final DossierEventFactory factory;
    private final Random random;
    private final List<Deque<ObjectNode>> active = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "onestop-simulator"));
    private long published;

    public OnestopTrafficSimulator(String bootstrapServers, String topic, double eventsPerSecond, long seed) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
        this.topic = topic;
        this.eventsPerSecond = eventsPerSecond;
        this.factory = new DossierEventFactory(seed);
        this.random = new Random(seed);
    }

    /** The share of dossiers that also get an identity check and a tax declaration (see DossierEventFactory). */
    public void setAgencyShare(double share) {
        factory.setAgencyShare(share);
    }

    public void start() {
        long periodMicros = (long) (1_000_000 / eventsPerSecond);
        timer.scheduleAtFixedRate(this::publishOne, 1000, Math.max(periodMicros, 1000), TimeUnit.MICROSECONDS);
        log.info("one-stop simulator publishing {} events/s to {}", eventsPerSecond, topic);
    }

    private void publishOne() {
        try {
            if (active.size() < 20 || random.nextInt(5) == 0) {
                active.add(new ArrayDeque<>(factory.lifecycle(factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN)))));
            }
            int i = random.nextInt(active.size());
            ObjectNode event = active.get(i).poll();
            if (active.get(i).isEmpty()) active.remove(i);
            if (event == null) return;
            String key = event.get("dossier").get("code").asText();
            if (random.nextInt(50) == 0) {
                ((ObjectNode) event.get("dossier").get("applicant")).put("citizenId", "12345"); // an invalid event
            }
            producer.send(new ProducerRecord<>(topic, key, event.toString()));
            if (++published % 100 == 0) log.info("one-stop simulator: {} events published", published);
        } catch (Exception e) {
            log.warn("one-stop simulator: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        // events still unsent at shutdown are dropped: without a bound, close waits for each to be retried against
        // a broker that may already be gone (delivery.timeout.ms, 2 minutes), and the demo took minutes to stop
        producer.close(java.time.Duration.ofSeconds(2));
    }
}
