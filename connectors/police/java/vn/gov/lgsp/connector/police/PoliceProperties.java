package vn.gov.lgsp.connector.police;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** Population database identity checks (connectors/police/config.yml). Credentials come from HUB_POLICE_* variables. */
@Validated
@ConfigurationProperties(prefix = "hub.partners.police")
public class PoliceProperties {
    private String url = "";
    private String username = "";
    private String password = "";
    /** Who asks: the one-stop centre's agency code (identifiers.md). */
    private String requestingAgency = "000.00.00.H45";
    private Duration connectTimeout = Duration.ofSeconds(5);
    /** The agency takes seconds: how long one call may wait for its answer before it is retried later. */
    private Duration receiveTimeout = Duration.ofSeconds(60);
    /**
     * A dossier's checks are answered in the order they were requested: a later check waits (is retried) while an
     * earlier one of the same dossier is unanswered, for at most this long.
     */
    private Duration orderWait = Duration.ofMinutes(30);

    public String getUrl() { return url; }
    public void setUrl(String url) { this.url = url; }
    public String getUsername() { return username; }
    public void setUsername(String username) { this.username = username; }
    public String getPassword() { return password; }
    public void setPassword(String password) { this.password = password; }
    public String getRequestingAgency() { return requestingAgency; }
    public void setRequestingAgency(String requestingAgency) { this.requestingAgency = requestingAgency; }
    public Duration getConnectTimeout() { return connectTimeout; }
    public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
    public Duration getReceiveTimeout() { return receiveTimeout; }
    public void setReceiveTimeout(Duration receiveTimeout) { this.receiveTimeout = receiveTimeout; }
    public Duration getOrderWait() { return orderWait; }
    public void setOrderWait(Duration orderWait) { this.orderWait = orderWait; }
}
