package vn.gov.lgsp.hub.inbound;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** Where dossier events come from (config/application.yml, hub.inbound.*). */
@Validated
@ConfigurationProperties(prefix = "hub.inbound")
public class InboundProperties {
    /** Kafka topic of the one-stop system's dossier events. */
    @NotBlank private String topic = "onestop.dossier.events";
    /** Consumer group of the hub (all hub instances share it). */
    @NotBlank private String groupId = "lgsp-hub";
    /** Records taken per poll; one batch is one database and one broker transaction. */
    @Min(1) private int maxPollRecords = 500;
    /**
     * A batch that is not full is handed over once this long has passed since the batch before it was handed over
     * (and that one is accepted): at most one such batch per interval is made durable, and an event after a quiet
     * spell goes at once. Longer: fewer, larger transactions at a steady pace; shorter: less waiting but more
     * transactions per event (bench/PROFILING.md). Zero hands each batch over as soon as the one before it is accepted.
     */
    @NotNull private Duration batchInterval = Duration.ofMillis(10);
    /**
     * Parallel Kafka consumers (bounded by the topic's partitions), each polling on one thread and accepting on
     * another. On 2 cores one takes events about as fast as the partners' shards work them (~1,000 events/s; two
     * ran ahead and queued the backlog on the broker instead). With more cores, more consumers (bench/PROFILING.md).
     */
    @Min(1) private int consumers = 1;
    /**
     * How often at most the offsets of accepted batches are committed to Kafka (also when partitions move and on
     * stop). An offset commit is a write to the broker's offsets log: one per batch cost the broker more than any
     * other request at 200 events/s (bench/PROFILING.md). After a crash up to this much of the topic is consumed again
     * and recognised by the inbox. Zero commits after every batch.
     */
    @NotNull private Duration offsetCommitInterval = Duration.ofSeconds(1);

    public String getTopic() { return topic; }
    public void setTopic(String topic) { this.topic = topic; }
    public String getGroupId() { return groupId; }
    public void setGroupId(String groupId) { this.groupId = groupId; }
    public int getMaxPollRecords() { return maxPollRecords; }
    public void setMaxPollRecords(int maxPollRecords) { this.maxPollRecords = maxPollRecords; }
    public Duration getBatchInterval() { return batchInterval; }
    public void setBatchInterval(Duration batchInterval) {
        if (batchInterval != null && batchInterval.isNegative()) {
            throw new IllegalArgumentException("hub.inbound.batch-interval must not be negative: " + batchInterval);
        }
        this.batchInterval = batchInterval;
    }
    public Duration getOffsetCommitInterval() { return offsetCommitInterval; }
    public void setOffsetCommitInterval(Duration offsetCommitInterval) {
        if (offsetCommitInterval != null && offsetCommitInterval.isNegative()) {
            throw new IllegalArgumentException("hub.inbound.offset-commit-interval must not be negative: " + offsetCommitInterval);
        }
        this.offsetCommitInterval = offsetCommitInterval;
    }
    public int getConsumers() { return consumers; }
    public void setConsumers(int consumers) { this.consumers = consumers; }
}
