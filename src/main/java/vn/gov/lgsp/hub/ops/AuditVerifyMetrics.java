package vn.gov.lgsp.hub.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.audit.AuditController;

/**
 * The audit chain, checked on a timer ({@code hub.metrics.audit-verify-interval}, first 30 s after the start) with
 * the same code as {@code GET /api/v1/audit/verify}:
 * <ul>
 *   <li>{@code hub_audit_verify_ok}: 1 the chain verified, 0 a record was altered, removed or inserted (the API
 *       names it), -1 not checked yet or the check could not run (database down);</li>
 *   <li>{@code hub_audit_verify_timestamp_seconds}: when the last check finished (epoch seconds; alert when stale);</li>
 *   <li>{@code hub_audit_verify_records}, {@code hub_audit_verify_duration_seconds}: what it read, how long it took.</li>
 * </ul>
 */
@Component
public class AuditVerifyMetrics {
    private static final Logger log = LoggerFactory.getLogger(AuditVerifyMetrics.class);
    private final AuditController audit;
    private final AtomicLong ok = new AtomicLong(-1), records = new AtomicLong(), finishedAt = new AtomicLong(), tookMillis = new AtomicLong();

    public AuditVerifyMetrics(AuditController audit, MeterRegistry registry) {
        this.audit = audit;
        Gauge.builder("hub.audit.verify.ok", ok, AtomicLong::get)
                .description("Last audit chain check: 1 intact, 0 broken, -1 not checked or failed to run").register(registry);
        Gauge.builder("hub.audit.verify.timestamp", finishedAt, v -> v.get() / 1000.0).baseUnit("seconds")
                .description("When the last audit chain check finished (epoch seconds, 0: never)").register(registry);
        Gauge.builder("hub.audit.verify.records", records, AtomicLong::get)
                .description("Audit records read by the last chain check").register(registry);
        Gauge.builder("hub.audit.verify.duration", tookMillis, v -> v.get() / 1000.0).baseUnit("seconds")
                .description("How long the last audit chain check took").register(registry);
    }

    @Scheduled(initialDelay = 30_000, fixedDelayString = "${hub.metrics.audit-verify-interval:1h}")
    public void scheduled() {
        verifyNow();
    }

    /** Checks the chain now and returns what {@code /api/v1/audit/verify} would answer (null if it could not run). */
    public Map<String, Object> verifyNow() {
        long start = System.currentTimeMillis();
        try {
            Map<String, Object> result = audit.verify();
            boolean valid = Boolean.TRUE.equals(result.get("valid"));
            ok.set(valid ? 1 : 0);
            records.set(((Number) result.get("recordsChecked")).longValue());
            if (!valid) log.error("audit chain broken at record {}: {}", result.get("firstBrokenId"), result.get("problem"));
            return result;
        } catch (RuntimeException e) {
            ok.set(-1);
            log.warn("audit chain check could not run: {}", e.getMessage());
            return null;
        } finally {
            tookMillis.set(System.currentTimeMillis() - start);
            finishedAt.set(System.currentTimeMillis());
        }
    }
}
