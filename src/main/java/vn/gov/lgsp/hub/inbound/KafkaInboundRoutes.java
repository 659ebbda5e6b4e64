package vn.gov.lgsp.hub.inbound;

import java.util.ArrayList;
import java.util.List;
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
                + "&batching=true&maxPollRecords=" + props.getMaxPollRecords() + "&pollTimeoutMs=100"
                + "&autoCommitEnable=false&allowManualCommit=true&autoOffsetReset=earliest"
                + "&consumersCount=" + props.getConsumers()
                + "&valueDeserializer=org.apache.kafka.common.serialization.StringDeserializer")
                .routeId("onestop-events-in")
                .errorHandler(defaultErrorHandler()
                        .maximumRedeliveries(-1).redeliveryDelay(500).useExponentialBackOff().backOffMultiplier(2)
                        .maximumRedeliveryDelay(30_000).retryAttemptedLogLevel(org.apache.camel.LoggingLevel.WARN))
                .process(this::acceptBatch).id("onestop-events-accept");
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
        KafkaManualCommit commit = records.get(records.size() - 1).getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        if (commit != null) commit.commit();
    }
}
