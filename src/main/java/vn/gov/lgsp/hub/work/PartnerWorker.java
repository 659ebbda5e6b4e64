package vn.gov.lgsp.hub.work;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.direct.DirectConsumerNotAvailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.hub.audit.AuditEntry;
import vn.gov.lgsp.hub.audit.AuditLog;
import vn.gov.lgsp.hub.model.DossierUpdate;

/**
 * Delivers the work of one partner queue, inside the consumer's broker transaction:
 * <ol>
 *   <li>work already completed (a redelivery after a crash) is not sent again; its updates are re-queued;</li>
 *   <li>the partner's rate limit and circuit breaker are respected;</li>
 *   <li>the connector's {@code direct:<partner>-deliver} is called, with quick in-memory retries for blips;</li>
 *   <li>success: the completion and the audit record are committed, the produced updates queued;</li>
 *   <li>partner rejection: a dead letter plus an INTEGRATION_FAILED update, no retry;</li>
 *   <li>other failure: the work is re-queued with the broker delaying it (exponential backoff), until the
 *       attempts run out and it becomes a dead letter.</li>
 * </ol>
 * Every outcome is audited before the broker transaction commits.
 */
public class PartnerWorker {
    private static final Logger log = LoggerFactory.getLogger(PartnerWorker.class);

    private final String partner;
    private final QueueProperties.PartnerQueue policy;
    private final CamelContext camel;
    private final ProducerTemplate producer;
    private final JdbcTemplate jdbc;
    private final AuditLog audit;
    private final PartnerWorkQueues queues;
    private final DossierUpdates updates;
    private final DeadLetters deadLetters;
    private final CircuitBreaker circuit;
    private final RateLimiter rateLimiter;

    PartnerWorker(String partner, QueueProperties.PartnerQueue policy, CamelContext camel, JdbcTemplate jdbc,
                  AuditLog audit, PartnerWorkQueues queues, DossierUpdates updates, DeadLetters deadLetters) {
        this.partner = partner;
        this.policy = policy;
        this.camel = camel;
        this.producer = camel.createProducerTemplate();
        this.jdbc = jdbc;
        this.audit = audit;
        this.queues = queues;
        this.updates = updates;
        this.deadLetters = deadLetters;
        this.circuit = CircuitBreaker.of(partner, CircuitBreakerConfig.custom()
                .failureRateThreshold(policy.getCircuitFailureRate())
                .slidingWindowSize(policy.getCircuitWindow())
                .minimumNumberOfCalls(Math.min(policy.getCircuitWindow(), 10))
                .waitDurationInOpenState(policy.getCircuitOpenFor())
                .ignoreExceptions(PartnerRejectedException.class)
                .build());
        this.rateLimiter = new RateLimiter(policy.getRateLimitPerSecond());
    }

    public CircuitBreaker circuit() {
        return circuit;
    }

    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        WorkItem item = new WorkItem(partner, in.getHeader(WorkHeaders.WORK_ID, String.class),
                in.getHeader(WorkHeaders.DOSSIER_CODE, String.class), in.getHeader(WorkHeaders.MESSAGE_TYPE, String.class),
                in.getBody(String.class), in.getHeader(WorkHeaders.ATTEMPT, 1, Integer.class));
        if (item.dossierCode() != null) MDC.put("dossierCode", item.dossierCode());
        try {
            if (alreadyCompleted(item)) return;
            deliver(exchange, item);
        } finally {
            MDC.remove("dossierCode");
        }
    }

    private boolean alreadyCompleted(WorkItem item) {
        List<String> done = jdbc.queryForList("SELECT coalesce(updates, '[]') FROM work_completion WHERE work_id = ?",
                String.class, item.workId());
        if (done.isEmpty()) return false;
        List<DossierUpdate> produced = updates.fromJsonList(done.get(0));
        updates.publish(produced);
        audit.record(AuditEntry.internal(partner, item.dossierCode(), item.messageType(), "ALREADY_DONE", item.workId(),
                "work already completed; not sent again" + (produced.isEmpty() ? "" : ", " + produced.size() + " update(s) re-queued")));
        return true;
    }

    private void deliver(Exchange consumed, WorkItem item) throws InterruptedException {
        Exception failure = null;
        Exchange call = null;
        long started = System.nanoTime();
        for (int i = 0; i <= policy.getQuickRetries(); i++) {
            if (i > 0) TimeUnit.MILLISECONDS.sleep(policy.getQuickRetryDelay().toMillis());
            call = consumed.copy();
            started = System.nanoTime();
            try {
                circuit.acquirePermission();
            } catch (CallNotPermittedException open) {
                failure = open;
                break; // the partner is known to be down: hand back to the broker's backoff at once
            }
            rateLimiter.acquire();
            producer.send(WorkHeaders.deliverUri(partner), call);
            long elapsed = System.nanoTime() - started;
            failure = call.getException();
            if (failure == null) {
                circuit.onSuccess(elapsed, TimeUnit.NANOSECONDS);
                break;
            }
            circuit.onError(elapsed, TimeUnit.NANOSECONDS, failure);
            if (failure instanceof PartnerRejectedException || failure instanceof DirectConsumerNotAvailableException) break;
        }
        long latencyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        if (failure == null) {
            succeeded(call, item, latencyMs);
        } else if (failure instanceof PartnerRejectedException rejected) {
            deadLetter(item, "rejected by " + partner + (rejected.partnerCode() == null ? "" : " (" + rejected.partnerCode() + ")")
                    + ": " + rejected.getMessage(), consumed, latencyMs);
        } else if (failure instanceof DirectConsumerNotAvailableException) {
            deadLetter(item, "no connector is installed for partner " + partner, consumed, latencyMs);
        } else if (item.attempt() >= policy.getMaxAttempts()) {
            deadLetter(item, "gave up after " + item.attempt() + " attempts: " + describe(failure), consumed, latencyMs);
        } else {
            retryLater(item, failure, latencyMs);
        }
    }

    @SuppressWarnings("unchecked")
    private void succeeded(Exchange call, WorkItem item, long latencyMs) {
        List<DossierUpdate> produced = call.getProperty(WorkHeaders.UPDATES, List.class);
        if (produced == null) produced = List.of();
        boolean skipped = Boolean.TRUE.equals(call.getProperty(WorkHeaders.SKIPPED, Boolean.class));
        String payload = call.getProperty(WorkHeaders.AUDIT_PAYLOAD, item.body(), String.class);
        String detail = call.getProperty(WorkHeaders.AUDIT_DETAIL, String.class);
        updates.publish(produced);
        audit.recordWith(
                List.of(new AuditLog.Companion(
                        "INSERT INTO work_completion (work_id, partner, dossier_code, updates) VALUES (?,?,?,?)"
                                + " ON CONFLICT (work_id) DO NOTHING",
                        new Object[] {item.workId(), partner, item.dossierCode(), updates.toJson(produced)})),
                AuditEntry.out(partner, item.dossierCode(), item.messageType(), skipped ? "SKIPPED" : "DELIVERED",
                        latencyMs, item.workId(), skipped ? null : payload, detail));
    }

    private void retryLater(WorkItem item, Exception failure, long latencyMs) {
        long delay = policy.backoffAfter(item.attempt()).toMillis();
        WorkItem next = new WorkItem(partner, item.workId(), item.dossierCode(), item.messageType(), item.body(), item.attempt() + 1);
        queues.send(next, delay, describe(failure), Map.of());
        audit.record(AuditEntry.out(partner, item.dossierCode(), item.messageType(), "RETRY_SCHEDULED", latencyMs,
                item.workId(), null, "attempt " + item.attempt() + " failed: " + describe(failure) + "; next in " + delay + " ms"));
        log.warn("{} work {} attempt {} failed ({}); retry in {} ms", partner, item.workId(), item.attempt(), describe(failure), delay);
    }

    private void deadLetter(WorkItem item, String reason, Exchange consumed, long latencyMs) {
        Map<String, String> headers = new LinkedHashMap<>();
        consumed.getMessage().getHeaders().forEach((k, v) -> {
            if (k.startsWith("hub")) headers.put(k, String.valueOf(v));
        });
        List<DossierUpdate> failed = new ArrayList<>();
        if (!DossierUpdates.ONESTOP.equals(partner) && item.dossierCode() != null) {
            ObjectNode detail = JsonNodeFactory.instance.objectNode()
                    .put("partner", partner).put("workId", item.workId()).put("messageType", item.messageType())
                    .put("reason", reason);
            failed.add(DossierUpdates.of("failed:" + item.workId(), item.dossierCode(), "INTEGRATION_FAILED", partner, detail));
        }
        updates.publish(failed);
        audit.recordWith(List.of(DeadLetters.insert(item, reason, headers, deadLetters.headersJson(headers))),
                AuditEntry.out(partner, item.dossierCode(), item.messageType(), "DEAD_LETTERED", latencyMs, item.workId(),
                        item.body(), reason));
        log.error("{} work {} dead-lettered: {}", partner, item.workId(), reason);
    }

    private static String describe(Throwable t) {
        String msg = t.getMessage();
        return t.getClass().getSimpleName() + (msg == null ? "" : ": " + PartnerWorkQueues.truncate(msg, 500));
    }

    /** A token bucket refilled continuously; callers wait their turn. */
    static final class RateLimiter {
        private final double perSecond;
        private double tokens;
        private long last = System.nanoTime();

        RateLimiter(double perSecond) {
            this.perSecond = perSecond;
            this.tokens = Math.max(1, perSecond);
        }

        void acquire() throws InterruptedException {
            if (perSecond <= 0) return;
            long waitNanos;
            synchronized (this) {
                long now = System.nanoTime();
                tokens = Math.min(Math.max(1, perSecond), tokens + (now - last) / 1e9 * perSecond);
                last = now;
                tokens -= 1;
                waitNanos = tokens >= 0 ? 0 : (long) (-tokens / perSecond * 1e9);
            }
            if (waitNanos > 0) TimeUnit.NANOSECONDS.sleep(waitNanos);
        }
    }
}
