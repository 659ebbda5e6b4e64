package vn.gov.lgsp.hub.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.inbound.InboundProperties;

/**
 * {@code hub_inbound_lag{topic}}: events on the inbound topic that the hubs' consumer group has not committed yet
 * (the sum over partitions of end offset minus committed offset; a partition with no commit counts from its first
 * offset; events accepted within the last {@code hub.inbound.offset-commit-interval} count until their commit).
 * It is the group's lag, the same whichever hub instance reports it; -1 while Kafka does not answer.
 * Read with the Kafka admin API every {@code hub.metrics.refresh} ms, not from the consumer, so it also shows a
 * consumer that stopped polling.
 */
@Component
public class InboundLagMetrics implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(InboundLagMetrics.class);
    private final String brokers, topic, groupId;
    private final AtomicLong lag = new AtomicLong(-1);
    private volatile Admin admin;

    @Autowired
    public InboundLagMetrics(@Value("${hub.kafka.bootstrap-servers}") String brokers, InboundProperties inbound, MeterRegistry registry) {
        this(brokers, inbound.getTopic(), inbound.getGroupId(), registry);
    }

    public InboundLagMetrics(String brokers, String topic, String groupId, MeterRegistry registry) {
        this.brokers = brokers;
        this.topic = topic;
        this.groupId = groupId;
        Gauge.builder("hub.inbound.lag", lag, AtomicLong::get).tag("topic", topic)
                .description("Events on the inbound topic not yet committed by the hub's consumer group (-1: Kafka not reachable)")
                .register(registry);
    }

    public long lag() {
        return lag.get();
    }

    @Scheduled(initialDelay = 5_000, fixedDelayString = "${hub.metrics.refresh:15000}")
    public void refresh() {
        try {
            lag.set(measure());
        } catch (Exception e) {
            lag.set(-1);
            log.debug("inbound lag not available: {}", e.getMessage());
        }
    }

    /** The group's lag on the topic now (0 while the topic does not exist). */
    public long measure() throws Exception {
        Admin a = admin();
        Map<String, TopicDescription> topics;
        try {
            topics = a.describeTopics(java.util.List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) return 0;
            throw e;
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>(), earliest = new HashMap<>();
        topics.get(topic).partitions().forEach(p -> {
            latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
            earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
        });
        Map<TopicPartition, OffsetAndMetadata> committed =
                a.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = a.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = a.listOffsets(earliest).all().get(5, TimeUnit.SECONDS);
        long total = 0;
        for (var e : ends.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            long from = Math.max(c == null ? 0 : c.offset(), starts.get(e.getKey()).offset());
            total += Math.max(0, e.getValue().offset() - from);
        }
        return total;
    }

    private Admin admin() {
        if (admin == null) {
            synchronized (this) {
                if (admin == null) {
                    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                            AdminClientConfig.CLIENT_ID_CONFIG, groupId + "-lag-metrics",
                            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000));
                }
            }
        }
        return admin;
    }

    @Override
    public void destroy() {
        if (admin != null) admin.close(java.time.Duration.ofSeconds(2));
    }
}
