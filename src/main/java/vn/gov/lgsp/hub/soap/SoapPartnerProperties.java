package vn.gov.lgsp.hub.soap;

import java.time.Duration;

/**
 * How the hub reaches a SOAP partner ({@link SoapPartnerClient}): its address, the hub's UsernameToken credentials
 * there and the time-outs of one call. A connector's {@code @ConfigurationProperties} extends it, so the keys are
 * {@code hub.partners.<partner>.url}, {@code .username}, {@code .password}, {@code .connect-timeout} and
 * {@code .receive-timeout}. Each key is read when used (the simulators set address and credentials after start).
 */
public class SoapPartnerProperties {
    private String url = "";
    public String getUrl() { return url; }
    public void setUrl(String url) { this.url = url; }

    /** The hub's UsernameToken at the partner; none: requests go without a token. */
    private String username = "";
    public String getUsername() { return username; }
    public void setUsername(String username) { this.username = username; }

    private String password = "";
    public String getPassword() { return password; }
    public void setPassword(String password) { this.password = password; }

    private Duration connectTimeout = Duration.ofSeconds(5);
    public Duration getConnectTimeout() { return connectTimeout; }
    public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }

    /** The agencies take seconds: how long one call may wait for its answer before it is retried later. */
    private Duration receiveTimeout = Duration.ofSeconds(60);
    public Duration getReceiveTimeout() { return receiveTimeout; }
    public void setReceiveTimeout(Duration receiveTimeout) { this.receiveTimeout = receiveTimeout; }
}
