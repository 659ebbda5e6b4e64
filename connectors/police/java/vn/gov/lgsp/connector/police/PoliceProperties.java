package vn.gov.lgsp.connector.police;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;
import vn.gov.lgsp.hub.soap.SoapPartnerProperties;

/** Population database identity checks (connectors/police/config.yml). Credentials come from HUB_POLICE_* variables. */
@Validated
@ConfigurationProperties(prefix = "hub.partners.police")
public class PoliceProperties extends SoapPartnerProperties {
    /** Who asks: the one-stop centre's agency code (identifiers.md). */
    private String requestingAgency = "000.00.00.H45";
    /**
     * A dossier's checks are answered in the order they were requested: a later check waits (is retried) while an
     * earlier one of the same dossier is unanswered, for at most this long.
     */
    private Duration orderWait = Duration.ofMinutes(30);

    public String getRequestingAgency() { return requestingAgency; }
    public void setRequestingAgency(String requestingAgency) { this.requestingAgency = requestingAgency; }
    public Duration getOrderWait() { return orderWait; }
    public void setOrderWait(Duration orderWait) { this.orderWait = orderWait; }
}
