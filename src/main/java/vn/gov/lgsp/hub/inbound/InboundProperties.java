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
     * A batch is handed over once it is this old even if it is not full. Without it, steady traffic (polls never
     * come back empty) makes a batch wait for maxPollRecords events: seconds of latency at a few hundred a second.
     * A poll waits no longer than this either (at least 5 ms), so a lone event is handed over as soon.
     */
    @NotNull private Duration batchInterval = Duration.ofMillis(10);
    /**
     * Parallel Kafka consumers (bounded by the topic's partitions). On 2 cores one at 10 ms makes as many batches a
     * second as two at 20 ms, with half the wait; flat out it takes events about as fast as the partners' shards
     * work them (~1,000 events/s, as with two, which ran ahead and queued the backlog on the broker instead). With
     * more cores, more consumers (bench/PROFILING.md).
     */
    @Min(1) private int consumers = 1;

    public String getTopic() { return topic; }
    public void setTopic(String topic) { this.topic = topic; }
    public String getGroupId() { return groupId; }
    public void setGroupId(String groupId) { this.groupId = groupId; }
    public int getMaxPollRecords() { return maxPollRecords; }
    public void setMaxPollRecords(int maxPollRecords) { this.maxPollRecords = maxPollRecords; }
    public Duration getBatchInterval() { return batchInterval; }
    public void setBatchInterval(Duration batchInterval) { this.batchInterval = batchInterval; }
    public int getConsumers() { return consumers; }
    public void setConsumers(int consumers) { this.consumers = consumers; }
}
