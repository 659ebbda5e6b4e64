package vn.gov.lgsp.hub.inbound;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
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
        // a batch spans the consumer's partitions, and a record's commit covers only its own partition: commit
        // after the last record of each one, or the others are only committed by a later batch (and a restart
        // would take their events again)
        Map<Object, KafkaManualCommit> lastOfPartition = new LinkedHashMap<>();
        for (Exchange r : records) {
            KafkaManualCommit commit = r.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            if (commit != null) lastOfPartition.put(r.getMessage().getHeader(KafkaConstants.PARTITION), commit);
        }
        lastOfPartition.values().forEach(KafkaManualCommit::commit);
    }
}
