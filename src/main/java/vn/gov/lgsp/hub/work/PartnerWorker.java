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
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.component.direct.DirectConsumerNotAvailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.hub.audit.AuditEntry;
import vn.gov.lgsp.hub.audit.AuditLog;
import vn.gov.lgsp.hub.model.DossierUpdate;

/**
 * Delivers the work of one partner, a batch of messages of one shard at a time, inside the shard consumer's broker
 * transaction:
 * <ol>
 *   <li>work already completed (a redelivery after a crash) is not sent again; its stored updates are published
 *       again;</li>
 *   <li>the partner's rate limit and circuit breaker are respected;</li>
 *   <li>the connector's {@code direct:<partner>-deliver} is called, with quick in-memory retries for blips;</li>
 *   <li>success: the produced updates are published to the one-stop system, then the completion and the audit
 *       records are committed;</li>
 *   <li>partner rejection: a dead letter plus an INTEGRATION_FAILED update, no retry;</li>
 *   <li>other failure: the work is re-queued with the broker delaying it (exponential backoff), until the
 *       attempts run out and it becomes a dead letter.</li>
 * </ol>
 * The batch's updates are published to the one-stop system, then every outcome of the batch and every update is
 * audited in one group commit with the completions and dead letters, and only then does the broker transaction
 * commit. A crash anywhere in between redelivers the batch: completed work is recognised and publishes its stored
 * updates again; work whose completion was lost asks its connector again, and connectors keep their own record of
 * what the partner accepted (portal_sent, notify_message, the VNPost order, ...). Either way an update may reach the
 * one-stop system twice under the same updateId, which the contract allows.
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
    /** The partner's call threads when {@code parallel-calls} is above 1, else null. */
    private final java.util.concurrent.ExecutorService parallelCalls;

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
        java.util.concurrent.atomic.AtomicInteger threads = new java.util.concurrent.atomic.AtomicInteger();
        this.parallelCalls = policy.getParallelCalls() < 2 ? null : java.util.concurrent.Executors.newFixedThreadPool(
                policy.getParallelCalls() * policy.getConcurrency(), r -> new CallThread(r, "call-" + partner + "-" + threads.incrementAndGet()));
    }

    private volatile org.apache.camel.Endpoint deliver;

    /** The connector's entry, resolved once rather than from its URI on every call. */
    private org.apache.camel.Endpoint deliver() {
        org.apache.camel.Endpoint e = deliver;
        if (e == null) deliver = e = camel.getEndpoint(WorkHeaders.deliverUri(partner));
        return e;
    }

    /** A thread making partner calls for a shard: it holds no broker transaction. */
    static final class CallThread extends Thread {
        CallThread(Runnable r, String name) {
            super(r, name);
            setDaemon(true);
        }
    }

    /** After the shard consumers have stopped. */
    void stop() {
        if (parallelCalls != null) parallelCalls.shutdown();
    }

    public CircuitBreaker circuit() {
        return circuit;
    }

    /**
     * The durable effects of one batch of work: audit records and the rows that go with them. They are written in
     * one database transaction, before the broker transaction of the batch commits.
     */
    static final class Batch {
        final List<AuditLog.Companion> companions = new ArrayList<>();
        final List<AuditEntry> entries = new ArrayList<>();
        final java.util.Set<String> completed = new java.util.HashSet<>();
        /** Updates for the one-stop system, published at the end of the batch, before its group commit. */
        final List<DossierUpdate> updates = new ArrayList<>();
    }

    /**
     * Works a batch of messages taken from one shard, in order, inside the shard consumer's broker transaction
     * (the caller commits it after this returns, or rolls it back if this throws).
     *
     * @param connectedAt when the consumer's broker connection started (epoch millis): work sent before it may have
     *                    been worked before a restart of the broker, which forgets how often it delivered a message
     */
    public void processBatch(List<jakarta.jms.Message> messages, long connectedAt) throws Exception {
        Batch batch = new Batch();
        Map<String, String> done = completedAmong(messages, connectedAt);
        List<Work> work = new ArrayList<>(messages.size());
        for (jakarta.jms.Message m : messages) {
            Map<String, Object> headers = headersOf(m);
            work.add(new Work(headers, new WorkItem(partner, (String) headers.get(WorkHeaders.WORK_ID),
                    (String) headers.get(WorkHeaders.DOSSIER_CODE), (String) headers.get(WorkHeaders.MESSAGE_TYPE),
                    ((jakarta.jms.TextMessage) m).getText(), m.propertyExists(WorkHeaders.ATTEMPT) ? m.getIntProperty(WorkHeaders.ATTEMPT) : 1)));
        }
        WorkBatch shared = new WorkBatch(work.stream().map(Work::item).toList());
        Call[] calls = new Call[work.size()];
        if (parallelCalls != null) callInParallel(work, shared, done, calls);
        for (int i = 0; i < work.size(); i++) {
            WorkItem item = work.get(i).item();
            if (item.dossierCode() != null) MDC.put("dossierCode", item.dossierCode());
            try {
                if (batch.completed.contains(item.workId()) || done.containsKey(item.workId())) {
                    alreadyCompleted(item, done.getOrDefault(item.workId(), "[]"), batch);
                } else {
                    record(calls[i] != null ? calls[i] : call(work.get(i), shared), batch);
                }
            } finally {
                MDC.remove("dossierCode");
            }
        }
        if (!batch.updates.isEmpty() && updates.publishFromWork(batch.updates)) {
            for (DossierUpdate u : batch.updates) {
                batch.entries.add(AuditEntry.out(DossierUpdates.ONESTOP, u.dossierCode(), u.updateType(), "DELIVERED", null,
                        "update:" + u.updateId(), updates.toJson(u), "from " + u.source()));
            }
        }
        if (!batch.entries.isEmpty()) audit.recordWith(batch.companions, batch.entries.toArray(AuditEntry[]::new));
    }

    /**
     * Work of this batch already completed earlier (a redelivery after a crash): workId -> its updates. Only work that
     * may have been worked before is looked up: the broker delivered it before (to this hub or another), it is a
     * retry or an operator's replay, or it was sent before this consumer connected (give or take the hosts' clocks).
     * Work delivered for the first time since the consumer connected cannot have completed, except when the inbound
     * queued an event's work twice (its database commit lost after the broker's); for that rare case each connector
     * keeps its own record of what its partner accepted (portal_sent, notify_message, the VNPost order, ...). At a
     * steady pace this saves a database round trip per batch, most batches then holding one or two messages.
     */
    private Map<String, String> completedAmong(List<jakarta.jms.Message> messages, long connectedAt) throws jakarta.jms.JMSException {
        List<String> ids = new ArrayList<>();
        for (jakarta.jms.Message m : messages) {
            if (mayHaveBeenWorked(m, connectedAt)) ids.add(m.getStringProperty(WorkHeaders.WORK_ID));
        }
        Map<String, String> done = new java.util.HashMap<>();
        if (ids.isEmpty()) return done;
        jdbc.query(con -> {
            var ps = con.prepareStatement("SELECT work_id, coalesce(updates, '[]') FROM work_completion WHERE work_id = ANY (?)");
            ps.setArray(1, con.createArrayOf("varchar", ids.toArray()));
            return ps;
        }, rs -> { done.put(rs.getString(1), rs.getString(2)); });
        return done;
    }

    /** How far apart the clocks of the hub instances that send and consume work may be. */
    static final long CLOCK_SKEW_MILLIS = 60_000;

    private static boolean mayHaveBeenWorked(jakarta.jms.Message m, long connectedAt) throws jakarta.jms.JMSException {
        return m.getJMSRedelivered()
                || (m.propertyExists(WorkHeaders.ATTEMPT) && m.getIntProperty(WorkHeaders.ATTEMPT) > 1)
                || m.propertyExists(WorkHeaders.REPLAY_OF)
                || m.getJMSTimestamp() < connectedAt + CLOCK_SKEW_MILLIS;
    }

    private static Map<String, Object> headersOf(jakarta.jms.Message m) throws jakarta.jms.JMSException {
        Map<String, Object> headers = new LinkedHashMap<>();
        for (var names = m.getPropertyNames(); names.hasMoreElements(); ) {
            String name = (String) names.nextElement();
            if (name.startsWith("hub")) headers.put(name, m.getObjectProperty(name));
        }
        return headers;
    }

    private void alreadyCompleted(WorkItem item, String updatesJson, Batch batch) {
        List<DossierUpdate> produced = updates.fromJsonList(updatesJson);
        batch.updates.addAll(produced);
        batch.entries.add(AuditEntry.internal(partner, item.dossierCode(), item.messageType(), "ALREADY_DONE", item.workId(),
                "work already completed; not sent again" + (produced.isEmpty() ? "" : ", " + produced.size() + " update(s) published again")));
    }

    /** A message of the batch: its headers and the work it carries. */
    private record Work(Map<String, Object> headers, WorkItem item) {}

    /** The outcome of calling the connector for one work item; recorded on the shard's thread. */
    private record Call(Work work, Exchange exchange, Exception failure, long latencyMs) {}

    /**
     * Calls the connector's {@code direct:<partner>-deliver}, with quick in-memory retries for blips, within the
     * partner's circuit breaker and rate limit. Sends nothing to the broker: that is {@link #record}'s part.
     */
    private Call call(Work work, WorkBatch shared) throws InterruptedException {
        Exception failure = null;
        Exchange call = null;
        long started = System.nanoTime();
        for (int i = 0; i <= policy.getQuickRetries(); i++) {
            if (i > 0) TimeUnit.MILLISECONDS.sleep(policy.getQuickRetryDelay().toMillis());
            call = new DefaultExchange(camel);
            call.getMessage().setHeaders(new LinkedHashMap<>(work.headers()));
            call.getMessage().setBody(work.item().body());
            call.setProperty(WorkHeaders.BATCH, shared);
            started = System.nanoTime();
            try {
                circuit.acquirePermission();
            } catch (CallNotPermittedException open) {
                failure = open;
                break; // the partner is known to be down: hand back to the broker's backoff at once
            }
            rateLimiter.acquire();
            producer.send(deliver(), call);
            long elapsed = System.nanoTime() - started;
            failure = call.getException();
            if (failure == null) {
                circuit.onSuccess(elapsed, TimeUnit.NANOSECONDS);
                break;
            }
            circuit.onError(elapsed, TimeUnit.NANOSECONDS, failure);
            if (failure instanceof PartnerRejectedException || failure instanceof DirectConsumerNotAvailableException) break;
        }
        return new Call(work, call, failure, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /**
     * With {@code parallel-calls} above 1, the batch's calls for different dossiers are made at once on the
     * partner's call threads, each dossier's in order; what they lead to is recorded afterwards, in the batch's
     * order, on the shard's thread (which holds the broker transaction). Connectors hand the work they lead to back
     * in {@link WorkHeaders#FOLLOW_UP_WORK}; a call thread has no broker transaction, and sending from it fails
     * loudly ({@link PartnerWorkQueues#enqueueAll}).
     */
    private void callInParallel(List<Work> work, WorkBatch shared, Map<String, String> done, Call[] calls) throws Exception {
        Map<String, List<Integer>> byDossier = new LinkedHashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < work.size(); i++) {
            WorkItem item = work.get(i).item();
            // repeats and completed work are left to the shard thread, as without parallel calls
            if (done.containsKey(item.workId()) || !seen.add(item.workId())) continue;
            byDossier.computeIfAbsent(item.dossierCode() != null ? item.dossierCode() : item.workId(), k -> new ArrayList<>()).add(i);
        }
        if (byDossier.size() < 2) return; // nothing to overlap: the shard thread calls
        List<java.util.concurrent.Future<?>> running = new ArrayList<>();
        for (List<Integer> dossier : byDossier.values()) {
            running.add(parallelCalls.submit(() -> {
                for (int i : dossier) {
                    MDC.put("dossierCode", String.valueOf(work.get(i).item().dossierCode()));
                    try {
                        calls[i] = call(work.get(i), shared);
                    } finally {
                        MDC.remove("dossierCode");
                    }
                }
                return null;
            }));
        }
        for (java.util.concurrent.Future<?> f : running) f.get();
    }

    /** What a call leads to: completion, dead letter or retry, and their audit records, in the batch. */
    private void record(Call c, Batch batch) {
        WorkItem item = c.work().item();
        Exception failure = c.failure();
        long latencyMs = c.latencyMs();
        Map<String, Object> headers = c.work().headers();
        if (failure == null) {
            succeeded(c.exchange(), item, latencyMs, batch);
        } else if (failure instanceof PartnerRejectedException rejected) {
            deadLetter(item, "rejected by " + partner + (rejected.partnerCode() == null ? "" : " (" + rejected.partnerCode() + ")")
                    + ": " + rejected.getMessage(), headers, latencyMs, batch);
        } else if (failure instanceof DirectConsumerNotAvailableException) {
            deadLetter(item, "no connector is installed for partner " + partner, headers, latencyMs, batch);
        } else if (item.attempt() >= policy.getMaxAttempts()) {
            deadLetter(item, "gave up after " + item.attempt() + " attempts: " + describe(failure), headers, latencyMs, batch);
        } else {
            retryLater(item, failure, latencyMs, batch);
        }
    }

    @SuppressWarnings("unchecked")
    private void succeeded(Exchange call, WorkItem item, long latencyMs, Batch batch) {
        List<DossierUpdate> produced = call.getProperty(WorkHeaders.UPDATES, List.class);
        if (produced == null) produced = List.of();
        boolean skipped = Boolean.TRUE.equals(call.getProperty(WorkHeaders.SKIPPED, Boolean.class));
        String payload = call.getProperty(WorkHeaders.AUDIT_PAYLOAD, item.body(), String.class);
        String detail = call.getProperty(WorkHeaders.AUDIT_DETAIL, String.class);
        List<WorkItem> followUp = call.getProperty(WorkHeaders.FOLLOW_UP_WORK, List.class);
        if (followUp != null) queues.enqueueAll(followUp); // joins the batch's broker transaction
        batch.updates.addAll(produced);
        batch.completed.add(item.workId());
        batch.companions.add(new AuditLog.Companion(
                "INSERT INTO work_completion (work_id, partner, dossier_code, updates) VALUES (?,?,?,?)"
                        + " ON CONFLICT (work_id) DO NOTHING",
                new Object[] {item.workId(), partner, item.dossierCode(), updates.toJson(produced)}));
        batch.entries.add(AuditEntry.out(partner, item.dossierCode(), item.messageType(), skipped ? "SKIPPED" : "DELIVERED",
                latencyMs, item.workId(), skipped ? null : payload, detail));
    }

    private void retryLater(WorkItem item, Exception failure, long latencyMs, Batch batch) {
        long delay = policy.backoffAfter(item.attempt()).toMillis();
        WorkItem next = new WorkItem(partner, item.workId(), item.dossierCode(), item.messageType(), item.body(), item.attempt() + 1);
        queues.send(next, delay, describe(failure), Map.of());
        batch.entries.add(AuditEntry.out(partner, item.dossierCode(), item.messageType(), "RETRY_SCHEDULED", latencyMs,
                item.workId(), null, "attempt " + item.attempt() + " failed: " + describe(failure) + "; next in " + delay + " ms"));
        log.warn("{} work {} attempt {} failed ({}); retry in {} ms", partner, item.workId(), item.attempt(), describe(failure), delay);
    }

    private void deadLetter(WorkItem item, String reason, Map<String, Object> consumedHeaders, long latencyMs, Batch batch) {
        Map<String, String> headers = new LinkedHashMap<>();
        consumedHeaders.forEach((k, v) -> headers.put(k, String.valueOf(v)));
        List<DossierUpdate> failed = new ArrayList<>();
        if (!DossierUpdates.ONESTOP.equals(partner) && item.dossierCode() != null) {
            ObjectNode detail = JsonNodeFactory.instance.objectNode()
                    .put("partner", partner).put("workId", item.workId()).put("messageType", item.messageType())
                    .put("reason", reason);
            failed.add(DossierUpdates.of("failed:" + item.workId(), item.dossierCode(), "INTEGRATION_FAILED", partner, detail));
        }
        batch.updates.addAll(failed);
        batch.companions.add(DeadLetters.insert(item, reason, headers, deadLetters.headersJson(headers)));
        batch.entries.add(AuditEntry.out(partner, item.dossierCode(), item.messageType(), "DEAD_LETTERED", latencyMs, item.workId(),
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
