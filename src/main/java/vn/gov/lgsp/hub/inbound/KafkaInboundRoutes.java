package vn.gov.lgsp.hub.inbound;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.springframework.stereotype.Component;

/**
 * Consumes onestop.dossier.events in batches. Offsets are committed by hand, and only after
 * {@link InboundService#accept} has made the whole batch durable. If that fails (database or broker down) the
 * batch is retried with a growing delay until it succeeds: the consumer never skips an event. Invalid events do
 * not fail the batch; they are recorded as rejected.
 */
@Component
public class KafkaInboundRoutes extends RouteBuilder {
    private final InboundService inbound;
    private final InboundProperties props;

    public KafkaInboundRoutes(InboundService inbound, InboundProperties props) {
        this.inbound = inbound;
        this.props = props;
    }

    @Override
    public void configure() {
        from("kafka:" + props.getTopic()
                + "?groupId=" + props.getGroupId()
                + "&batching=true&maxPollRecords=" + props.getMaxPollRecords() + "&pollTimeoutMs=" + pollTimeoutMillis()
                + "&batchingIntervalMs=" + props.getBatchInterval().toMillis()
                + "&autoCommitEnable=false&allowManualCommit=true&autoOffsetReset=earliest"
                + "&consumersCount=" + props.getConsumers()
                + "&valueDeserializer=org.apache.kafka.common.serialization.StringDeserializer")
                .routeId("onestop-events-in")
                .errorHandler(defaultErrorHandler()
                        .maximumRedeliveries(-1).redeliveryDelay(500).useExponentialBackOff().backOffMultiplier(2)
                        .maximumRedeliveryDelay(30_000).retryAttemptedLogLevel(org.apache.camel.LoggingLevel.WARN))
                .process(this::acceptBatch).id("onestop-events-accept");
    }

    /**
     * Camel hands a batch over only when a poll returns: with records, once the batch is batch-interval old, or
     * empty, once it is poll-timeout old. At a province's usual few events a second polls come back empty, so a
     * poll that waits no longer than the batch interval keeps a lone event from waiting longer than it (with a
     * 100 ms poll, each event waited ~100 ms: bench/PROFILING.md).
     */
    private long pollTimeoutMillis() {
        return Math.max(5, props.getBatchInterval().toMillis());
    }

    private void acceptBatch(Exchange batch) {
        @SuppressWarnings("unchecked")
        List<Exchange> records = batch.getMessage().getBody(List.class);
        if (records == null || records.isEmpty()) return;
        List<InboundService.Incoming> incoming = new ArrayList<>(records.size());
        for (Exchange r : records) {
            String origin = r.getMessage().getHeader(KafkaConstants.TOPIC) + "/" + r.getMessage().getHeader(KafkaConstants.PARTITION)
                    + "@" + r.getMessage().getHeader(KafkaConstants.OFFSET);
            incoming.add(new InboundService.Incoming("KAFKA", origin, r.getMessage().getBody(String.class)));
        }
        inbound.accept(incoming);
        commitOffsets(records);
    }

    /**
     * A batch spans the consumer's partitions, and a record's own commit covers only its partition: every partition
     * is committed, after its last record (or the others would wait for a later batch, and a restart would take
     * their events again), in one request to the broker rather than one per partition.
     */
    private static void commitOffsets(List<Exchange> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        Map<Object, KafkaManualCommit> others = new LinkedHashMap<>();
        Consumer<?, ?> consumer = null;
        long timeoutMs = 0;
        for (Exchange r : records) {
            KafkaManualCommit commit = r.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            // Camel's synchronous commit does consumer.commitSync({partition: offset + 1}) on this same thread
            if (commit instanceof DefaultKafkaManualCommit c && (consumer == null || consumer == c.getConsumer())) {
                consumer = c.getConsumer();
                timeoutMs = c.getCommitTimeout();
                offsets.put(c.getPartition(), new OffsetAndMetadata(c.getRecordOffset() + 1));
            } else if (commit != null) {
                others.put(r.getMessage().getHeader(KafkaConstants.PARTITION), commit);
            }
        }
        if (consumer != null) consumer.commitSync(offsets, Duration.ofMillis(timeoutMs));
        others.values().forEach(KafkaManualCommit::commit);
    }
}
