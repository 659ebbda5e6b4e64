package vn.gov.lgsp.hub.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.audit.AuditEntry;
import vn.gov.lgsp.hub.audit.AuditLog;

/**
 * Every refused call, operators' and partners' alike: counted in {@code hub_security_refused_total{endpoint,reason}}
 * and audited without its payload (no personal data: the endpoint's name, the reason, the caller's name if known).
 * The audit record is written asynchronously: a flood of forged calls must not hold request threads on the log.
 */
@Component
public class SecurityRefusals {
    private static final Logger log = LoggerFactory.getLogger(SecurityRefusals.class);

    private final MeterRegistry metrics;
    private final AuditLog audit;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

    public SecurityRefusals(MeterRegistry metrics, AuditLog audit) {
        this.metrics = metrics;
        this.audit = audit;
    }

    /**
     * Counts and audits a refusal.
     *
     * @param endpoint a fixed, low-cardinality name (e.g. "zalo-webhook", "operator-api"), never a raw path
     * @param party    who called: the partner for a callback, "caller" for the hub's own API
     * @param reason   a fixed reason code (bad_signature, expired_token, forbidden, replayed, ...)
     * @param detail   free text without personal data (masked again by the audit log anyway)
     */
    public void refuse(String endpoint, String party, String reason, String detail) {
        count(endpoint, reason);
        try {
            audit.submit(List.of(new AuditEntry(AuditEntry.Direction.IN, party, null, "REFUSED_CALL", "REFUSED", null,
                    endpoint, null, reason + (detail == null || detail.isBlank() ? "" : ": " + detail))), List.of())
                    .exceptionally(e -> {
                        log.warn("audit of a refused call ({} {}) failed: {}", endpoint, reason, e.getMessage());
                        return null;
                    });
        } catch (IllegalStateException stopping) {
            log.warn("refused call {} {} not audited: {}", endpoint, reason, stopping.getMessage());
        }
    }

    /** Counts a refusal the caller audits itself (with its own record). */
    public void count(String endpoint, String reason) {
        counters.computeIfAbsent(endpoint + '|' + reason, k -> Counter.builder("hub.security.refused")
                .description("Calls refused: missing, bad or expired credentials, forbidden roles, forged or replayed partner callbacks")
                .tag("endpoint", endpoint).tag("reason", reason)
                .register(metrics)).increment();
    }

    /** The endpoint label of a request path: the hub's surfaces, never the raw path (its cardinality is unbounded). */
    public static String endpointOf(String path) {
        if (path == null) return "other";
        if (path.startsWith("/api/v1/dossier-events")) return "dossier-events";
        if (path.startsWith("/api/v1/audit")) return "audit-api";
        if (path.startsWith("/api/v1/personal-data")) return "personal-data-api";
        if (path.startsWith("/api/v1/partners/")) {
            String rest = path.substring("/api/v1/partners/".length());
            int slash = rest.indexOf('/');
            return "partner-" + (slash < 0 ? rest : rest.substring(0, slash));
        }
        if (path.startsWith("/api/")) return "operator-api";
        if (path.startsWith("/actuator")) return "actuator";
        if (path.startsWith("/console")) return "console";
        return "other";
    }
}
