package vn.gov.lgsp.connector.onestop;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

@Validated
@ConfigurationProperties(prefix = "hub.partners.onestop")
public class OnestopProperties {
    /** Kafka topic of dossier updates for the one-stop system. */
    @NotBlank private String updatesTopic = "onestop.dossier.updates";

    public String getUpdatesTopic() { return updatesTopic; }
    public void setUpdatesTopic(String updatesTopic) { this.updatesTopic = updatesTopic; }
}
