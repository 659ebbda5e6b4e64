package vn.gov.lgsp.hub.inbound;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
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
    /** Parallel Kafka consumers (bounded by the topic's partitions). */
    @Min(1) private int consumers = 2;

    public String getTopic() { return topic; }
    public void setTopic(String topic) { this.topic = topic; }
    public String getGroupId() { return groupId; }
    public void setGroupId(String groupId) { this.groupId = groupId; }
    public int getMaxPollRecords() { return maxPollRecords; }
    public void setMaxPollRecords(int maxPollRecords) { this.maxPollRecords = maxPollRecords; }
    public int getConsumers() { return consumers; }
    public void setConsumers(int consumers) { this.consumers = consumers; }
}
