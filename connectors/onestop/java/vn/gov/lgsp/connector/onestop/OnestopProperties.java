package vn.gov.lgsp.connector.onestop;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

@Validated
@ConfigurationProperties(prefix = "hub.partners.onestop")
public class OnestopProperties {
    /** Kafka topic of dossier updates for the one-stop system. */
    @NotBlank private String updatesTopic = "onestop.dossier.updates";

    /** How long a batch of updates may wait for Kafka's acknowledgement before its work is rolled back and retried. */
    @jakarta.validation.constraints.NotNull private java.time.Duration publishTimeout = java.time.Duration.ofSeconds(30);

    public java.time.Duration getPublishTimeout() { return publishTimeout; }
    public void setPublishTimeout(java.time.Duration publishTimeout) { this.publishTimeout = publishTimeout; }

    public String getUpdatesTopic() { return updatesTopic; }
    public void setUpdatesTopic(String updatesTopic) { this.updatesTopic = updatesTopic; }
}
