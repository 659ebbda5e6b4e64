package vn.gov.lgsp.hub.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code hub.audit.timestamp.*}: the RFC 3161 time-stamping authority that anchors the audit checkpoints outside the
 * hub ({@link AuditTimestamps}; README, Security). Read at each use: the demo run's and the tests' simulator points the
 * hub at itself once started.
 */
@ConfigurationProperties(prefix = "hub.audit.timestamp")
public class TimestampProperties {
    /** MAY: the authority's URL (HTTP POST application/timestamp-query); blank = no time-stamps (HUB_TSA_URL). */
    private String url = "";
    /** MUST with a URL: the authority's signing certificate, X.509 PEM or base64 DER (HUB_TSA_CERTIFICATE). */
    private String certificate = "";
    /** MAY: former certificates of the authority (after a renewal), still trusted for the tokens they signed. */
    private List<String> trustedCertificates = new ArrayList<>();
    /** MAY: a token for every Nth checkpoint (1: each). */
    private int every = 1;
    /** MAY: how often checkpoints still without their token are sent again (the authority was down). */
    private Duration retryInterval = Duration.ofMinutes(1);
    /** MAY: the TSA policy OID to ask for; blank = the authority's default. */
    private String policy = "";
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration readTimeout = Duration.ofSeconds(10);
    /** MAY: tokens fetched per run at most (a long outage's backlog is worked off over several runs). */
    private int batchSize = 50;

    public String getUrl() { return url; }
    public void setUrl(String url) { this.url = url; }
    public String getCertificate() { return certificate; }
    public void setCertificate(String certificate) { this.certificate = certificate; }
    public List<String> getTrustedCertificates() { return trustedCertificates; }
    public void setTrustedCertificates(List<String> trustedCertificates) { this.trustedCertificates = trustedCertificates; }
    public int getEvery() { return every; }
    public void setEvery(int every) { this.every = every; }
    public Duration getRetryInterval() { return retryInterval; }
    public void setRetryInterval(Duration retryInterval) { this.retryInterval = retryInterval; }
    public String getPolicy() { return policy; }
    public void setPolicy(String policy) { this.policy = policy; }
    public Duration getConnectTimeout() { return connectTimeout; }
    public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
    public Duration getReadTimeout() { return readTimeout; }
    public void setReadTimeout(Duration readTimeout) { this.readTimeout = readTimeout; }
    public int getBatchSize() { return batchSize; }
    public void setBatchSize(int batchSize) { this.batchSize = batchSize; }

    public boolean enabled() {
        return url != null && !url.isBlank();
    }
}
