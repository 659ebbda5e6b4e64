package vn.gov.lgsp.hub.work;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Per-partner work queues and their retry policy (config/application.yml, hub.queues.*).
 * Every partner named here gets a durable queue hub.work.&lt;partner&gt; and a route direct:work-&lt;partner&gt;.
 */
@Validated
@ConfigurationProperties(prefix = "hub.queues")
public class QueueProperties {

    /** Queue name prefix; the partner's queue is prefix + partner. */
    private String prefix = "hub.work.";

    @Valid
    private Map<String, PartnerQueue> partners = new LinkedHashMap<>();

    public String getPrefix() { return prefix; }
    public void setPrefix(String prefix) { this.prefix = prefix; }
    public Map<String, PartnerQueue> getPartners() { return partners; }
    public void setPartners(Map<String, PartnerQueue> partners) { this.partners = partners; }

    public PartnerQueue of(String partner) {
        PartnerQueue q = partners.get(partner);
        if (q == null) throw new IllegalArgumentException("no queue configured for partner '" + partner + "'");
        return q;
    }

    public static class PartnerQueue {
        /** Disabled partners get no work planned (their routes stay in routes/*.yaml). */
        private boolean enabled = true;
        /**
         * Shards of the partner's queue, each worked by one consumer: the partner's parallelism. One dossier always
         * maps to the same shard. Drain the partner's queues (hub_queue_depth 0) before changing it.
         */
        @Min(1) private int concurrency = 4;
        /** Messages a shard consumer works per broker transaction (each commit waits for the journal's disk sync). */
        @Min(1) private int maxBatch = 50;
        /**
         * Partner calls a shard makes at once for different dossiers of its batch (one dossier's work stays in
         * order): throughput with a slow partner without more shards. The connector must hand follow-up work back
         * in {@link Delivery#followUp()} rather than send it (all connectors here do).
         */
        @Min(1) private int parallelCalls = 1;
        /** In-memory retries for blips, before the message is handed back to the broker. */
        @Min(0) private int quickRetries = 2;
        @NotNull private Duration quickRetryDelay = Duration.ofMillis(200);
        /** Broker-side redelivery: first delay, growth factor, cap. */
        @NotNull private Duration backoffInitial = Duration.ofSeconds(10);
        private double backoffMultiplier = 2.0;
        @NotNull private Duration backoffMax = Duration.ofMinutes(30);
        /** Deliveries (each with its quick retries) before the work goes to the dead letters. */
        @Min(1) private int maxAttempts = 10;
        /** Partner calls per second for the whole cluster (ClusterRateLimiter); 0 = unlimited. */
        @Min(0) private double rateLimitPerSecond = 0;
        /** Circuit breaker: failure rate (%) over the last calls that opens it, and how long it stays open. */
        private float circuitFailureRate = 50f;
        @Min(2) private int circuitWindow = 20;
        @NotNull private Duration circuitOpenFor = Duration.ofSeconds(30);
        /**
         * While the partner is down (its circuit open or half-open: it fails every call, or cannot be reached), work
         * that fails is tried again after this long, and the failure does not count as one of its attempts: an outage
         * delays work, it never dead-letters it. Meanwhile the shard consumers take no work at all; they resume when
         * the circuit lets a trial call through, so waiting work flows within seconds of the partner's return.
         */
        @NotNull private Duration outageRetryDelay = Duration.ofSeconds(5);

        public Duration getOutageRetryDelay() { return outageRetryDelay; }
        public void setOutageRetryDelay(Duration outageRetryDelay) { this.outageRetryDelay = outageRetryDelay; }

        /** The delay before delivery number {@code attempt + 1}. */
        public Duration backoffAfter(int attempt) {
            double millis = backoffInitial.toMillis() * Math.pow(backoffMultiplier, Math.max(0, attempt - 1));
            return Duration.ofMillis((long) Math.min(millis, backoffMax.toMillis()));
        }

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public int getConcurrency() { return concurrency; }
        public void setConcurrency(int concurrency) { this.concurrency = concurrency; }
        public int getMaxBatch() { return maxBatch; }
        public int getParallelCalls() { return parallelCalls; }
        public void setParallelCalls(int parallelCalls) { this.parallelCalls = parallelCalls; }
        public void setMaxBatch(int maxBatch) { this.maxBatch = maxBatch; }
        public int getQuickRetries() { return quickRetries; }
        public void setQuickRetries(int quickRetries) { this.quickRetries = quickRetries; }
        public Duration getQuickRetryDelay() { return quickRetryDelay; }
        public void setQuickRetryDelay(Duration quickRetryDelay) { this.quickRetryDelay = quickRetryDelay; }
        public Duration getBackoffInitial() { return backoffInitial; }
        public void setBackoffInitial(Duration backoffInitial) { this.backoffInitial = backoffInitial; }
        public double getBackoffMultiplier() { return backoffMultiplier; }
        public void setBackoffMultiplier(double backoffMultiplier) { this.backoffMultiplier = backoffMultiplier; }
        public Duration getBackoffMax() { return backoffMax; }
        public void setBackoffMax(Duration backoffMax) { this.backoffMax = backoffMax; }
        public int getMaxAttempts() { return maxAttempts; }
        public void setMaxAttempts(int maxAttempts) { this.maxAttempts = maxAttempts; }
        public double getRateLimitPerSecond() { return rateLimitPerSecond; }
        public void setRateLimitPerSecond(double rateLimitPerSecond) { this.rateLimitPerSecond = rateLimitPerSecond; }
        public float getCircuitFailureRate() { return circuitFailureRate; }
        public void setCircuitFailureRate(float circuitFailureRate) { this.circuitFailureRate = circuitFailureRate; }
        public int getCircuitWindow() { return circuitWindow; }
        public void setCircuitWindow(int circuitWindow) { this.circuitWindow = circuitWindow; }
        public Duration getCircuitOpenFor() { return circuitOpenFor; }
        public void setCircuitOpenFor(Duration circuitOpenFor) { this.circuitOpenFor = circuitOpenFor; }
    }
}
