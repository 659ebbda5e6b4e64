package vn.gov.lgsp.hub.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

/**
 * What the inbound's Kafka consumers ask of the broker: with a batch interval, the broker holds each fetch for more
 * events (a fetch per interval at a province's pace, not one per event); without one, Kafka's defaults.
 */
class KafkaInboundConsumerConfigTest {

    private static InboundProperties interval(Duration batchInterval) {
        InboundProperties props = new InboundProperties();
        props.setBatchInterval(batchInterval);
        return props;
    }

    @Test
    void theBrokerHoldsEachFetchForTheBatchIntervalOrABatchsWorthOfEvents() {
        Map<String, Object> config = KafkaInboundConsumer.consumerConfig(interval(Duration.ofMillis(10)), Map.of(), "kafka:9092", 0);
        assertThat(config).containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10)
                .containsEntry(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, KafkaInboundConsumer.FETCH_MIN_BYTES)
                .containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500)
                .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
                .containsEntry(ConsumerConfig.CLIENT_ID_CONFIG, "lgsp-hub-inbound-0");
        assertThat(KafkaInboundConsumer.FETCH_MIN_BYTES).as("more than a full batch of small events arrives in one interval")
                .isGreaterThan(new InboundProperties().getMaxPollRecords() * 300);
    }

    @Test
    void withoutABatchIntervalEachEventAnswersTheFetchWaitingForIt() {
        Map<String, Object> config = KafkaInboundConsumer.consumerConfig(interval(Duration.ZERO), Map.of(), "kafka:9092", 1);
        assertThat(config).doesNotContainKeys(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, ConsumerConfig.FETCH_MIN_BYTES_CONFIG);
    }

    @Test
    void theOperatorsOwnFetchSettingsAreKeptAndTheHubsOwnSettingsAreNot() {
        Map<String, Object> config = KafkaInboundConsumer.consumerConfig(interval(Duration.ofMillis(10)),
                Map.of("fetch.max.wait.ms", "50", "fetch.min.bytes", "1", "enable.auto.commit", "true",
                        "security.protocol", "SASL_SSL"), "kafka:9092", 0);
        assertThat(config).containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50")
                .containsEntry(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1")
                .containsEntry("security.protocol", "SASL_SSL")
                .as("offsets are committed only after their batch is durable, whatever is configured")
                .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    }
}
