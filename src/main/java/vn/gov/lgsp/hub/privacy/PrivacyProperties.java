package vn.gov.lgsp.hub.privacy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code hub.privacy.*}: how long personal data is kept after a dossier closes, the purge, the auditor's reveal. */
@ConfigurationProperties(prefix = "hub.privacy")
public class PrivacyProperties {
    /**
     * MUST (config/application.yml lists them): per data class, how long after the dossier closed its personal data is
     * kept. Every {@link PersonalDataHolder}'s class needs an entry: the hub refuses to start otherwise.
     */
    private Map<String, Duration> retention = new LinkedHashMap<>();
    private final Purge purge = new Purge();
    /** MAY: the shortest reason an auditor may give for a reveal or an export. */
    private int minReasonLength = 10;

    public Map<String, Duration> getRetention() { return retention; }
    public void setRetention(Map<String, Duration> retention) { this.retention = retention; }
    public Purge getPurge() { return purge; }
    public int getMinReasonLength() { return minReasonLength; }
    public void setMinReasonLength(int minReasonLength) { this.minReasonLength = minReasonLength; }

    public static class Purge {
        /** MAY: the purge job runs (one instance at a time). */
        private boolean enabled = true;
        /** MAY: how often. */
        private Duration interval = Duration.ofHours(1);
        /** MAY: dossiers purged per transaction. */
        private int batchSize = 100;

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public Duration getInterval() { return interval; }
        public void setInterval(Duration interval) { this.interval = interval; }
        public int getBatchSize() { return batchSize; }
        public void setBatchSize(int batchSize) { this.batchSize = batchSize; }
    }
}
