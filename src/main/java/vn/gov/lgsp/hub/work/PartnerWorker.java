package vn.gov.lgsp.hub.work;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 *   <li>the partner's {@link PartnerConnector} is called, with quick in-memory retries for blips;</li>
 *   <li>success: the produced updates are published to the one-stop system while the connector's record of what the
 *       partner accepted is written (begun as the partner answered, {@link AfterPartnerCall#begin}), then, once that
 *       record is durable, the completion and the audit records are committed;</li>
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
 *
 * <p>Order and outages. A dossier's later work never overtakes earlier work that waits for a retry: the waiting work
 * and everything behind it are held in line ({@link ShardHolds}, table work_hold) and re-queued until the first
 * completes or becomes a dead letter. A failure counts as one of the item's attempts only while the partner serves
 * others (its circuit closed); while the partner is down the work waits {@code outage-retry-delay} without using an
 * attempt, and the shard takes no work until the circuit lets a trial call through. A failure of the hub's own
 * database, broker or Kafka is never the partner's: it rolls the batch back (the broker delivers it again) without
 * touching the partner's circuit or the item's attempts.
 */
public class PartnerWorker {
    private static final Logger log = LoggerFactory.getLogger(PartnerWorker.class);

    private final String partner;
    private final QueueProperties.PartnerQueue policy;
    /** The partner's connector; null when none is installed (its work is dead-lettered, saying so). */
    private final PartnerConnector connector;
    private final JdbcTemplate jdbc;
    private final AuditLog audit;
    private final PartnerWorkQueues queues;
    private final DossierUpdates updates;
    private final DeadLetters deadLetters;
    private final CircuitBreaker circuit;
    /** The partner's quota for the whole cluster (a token bucket in PostgreSQL; a limit of 0 never touches it). */
    private final ClusterRateLimiter rateLimiter;
    /** The partner's call threads when {@code parallel-calls} is above 1, else null. */
    private final java.util.concurrent.ExecutorService parallelCalls;

    PartnerWorker(String partner, QueueProperties.PartnerQueue policy, PartnerConnector connector, JdbcTemplate jdbc,
                  AuditLog audit, PartnerWorkQueues queues, DossierUpdates updates, DeadLetters deadLetters,
                  CircuitBreakerRegistry circuits) {
        this.partner = partner;
        this.policy = policy;
        this.connector = connector;
        this.jdbc = jdbc;
        this.audit = audit;
        this.queues = queues;
        this.updates = updates;
        this.deadLetters = deadLetters;
        // from the registry, so resilience4j's own metrics (resilience4j_circuitbreaker_*) describe it too
        this.circuit = circuits.circuitBreaker(partner, CircuitBreakerConfig.custom()
                .failureRateThreshold(policy.getCircuitFailureRate())
                .slidingWindowSize(policy.getCircuitWindow())
                .minimumNumberOfCalls(Math.min(policy.getCircuitWindow(), 10))
                .waitDurationInOpenState(policy.getCircuitOpenFor())
                .ignoreExceptions(PartnerRejectedException.class)
                // the shard consumers wait while it is open: let the trial calls through without a caller asking
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .build());
        this.rateLimiter = new ClusterRateLimiter(jdbc, partner, policy.getRateLimitPerSecond());
        java.util.concurrent.atomic.AtomicInteger threads = new java.util.concurrent.atomic.AtomicInteger();
        this.parallelCalls = policy.getParallelCalls() < 2 || nonBlocking() ? null : java.util.concurrent.Executors.newFixedThreadPool(
                policy.getParallelCalls() * policy.getConcurrency(), r -> new CallThread(r, "call-" + partner + "-" + threads.incrementAndGet()));
    }

    /**
     * The connector's calls can hold no thread while the partner answers: a batch with several dossiers' calls has
     * them made from the shard's thread, with no call threads.
     */
    private boolean nonBlocking() {
        return connector != null && connector.callsWithoutBlocking();
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
        /** The completion records of the batch's work (work_id, partner, dossier_code, updates), written as one statement. */
        final List<String[]> completions = new ArrayList<>();
        /** Updates for the one-stop system, published at the end of the batch, before its group commit. */
        final List<DossierUpdate> updates = new ArrayList<>();
        /**
         * The JSON of the updates the batch's calls produced, written once for their completion record and used again
         * for the update's publication and its audit record (it was written three times, bench/PROFILING.md).
         */
        final Map<DossierUpdate, String> updateJson = new java.util.IdentityHashMap<>();
        /** The connectors' records of what their partner accepted, begun as it answered: durable before the completions. */
        final List<AfterPartnerCall.Recording> recordings = new ArrayList<>();
    }

    /** True while the partner is known to be down: the shard consumers then take no work (it waits in order). */
    boolean partnerDown() {
        return circuit.getState() == CircuitBreaker.State.OPEN || circuit.getState() == CircuitBreaker.State.FORCED_OPEN;
    }

    /** The lines of waiting work of one of this partner's shards, as its consumer keeps them. */
    ShardHolds holdsOf(int shard) {
        ShardHolds holds = new ShardHolds(partner, shard);
        holds.load(jdbc);
        return holds;
    }

    /** What the worker does with one message of a batch, decided in the batch's order before any call. */
    private enum Plan { CALL, DONE, WAIT, NOT_WORK }

    private static final String MALFORMED = "not-work:";

    /**
     * Works a batch of messages taken from one shard, in order, inside the shard consumer's broker transaction
     * (the caller commits it after this returns, or rolls it back if this throws, and then reloads {@code holds}).
     *
     * @param connectedAt when the consumer's broker connection started (epoch millis): work sent before it may have
     *                    been worked before a restart of the broker, which forgets how often it delivered a message
     * @param holds       the shard's lines of waiting work (see {@link ShardHolds})
     */
    public void processBatch(List<jakarta.jms.Message> messages, long connectedAt, ShardHolds holds) throws Exception {
        Batch batch = new Batch();
        List<Work> work = new ArrayList<>(messages.size());
        for (jakarta.jms.Message m : messages) {
            Map<String, Object> headers = headersOf(m);
            String workId = (String) headers.get(WorkHeaders.WORK_ID);
            String body = m instanceof jakarta.jms.TextMessage t ? t.getText() : null;
            // something put on a work queue that is no hub work: a dead letter, never a batch that fails forever
            boolean notWork = workId == null || body == null;
            if (notWork) workId = MALFORMED + m.getJMSMessageID();
            String type = (String) headers.get(WorkHeaders.MESSAGE_TYPE);
            work.add(new Work(headers, new WorkItem(partner, workId,
                    (String) headers.get(WorkHeaders.DOSSIER_CODE), type == null && notWork ? "NOT_WORK" : type,
                    body == null ? "" : body, m.propertyExists(WorkHeaders.ATTEMPT) ? m.getIntProperty(WorkHeaders.ATTEMPT) : 1,
                    m.propertyExists(WorkHeaders.SEQ) ? m.getLongProperty(WorkHeaders.SEQ) : 0L)));
        }
        Lookup found = lookUp(messages, work, connectedAt);
        Plan[] plans = plan(work, found, holds);
        WorkBatch shared = new WorkBatch(work.stream().map(Work::item).toList());
        Call[] calls = new Call[work.size()];
        Map<String, List<Integer>> byDossier = callsByDossier(work, plans);
        // one dossier's calls (most batches at a province's pace), or parallel-calls 1: on this thread, each answer
        // waited for, no thread to wake per call; several dossiers' (a backlog): at once, without a thread each where
        // the connector can
        if (byDossier.size() < 2 || policy.getParallelCalls() < 2) callInOrder(work, plans, shared, calls);
        else if (nonBlocking()) callWithoutBlocking(work, byDossier, shared, calls);
        else callInParallel(work, byDossier, shared, calls);
        java.util.Set<String> adopted = new java.util.HashSet<>();
        for (int i = 0; i < work.size(); i++) {
            WorkItem item = work.get(i).item();
            if (item.dossierCode() != null) MDC.put("dossierCode", item.dossierCode());
            try {
                String eventId = eventIdOf(work.get(i));
                if (plans[i] != Plan.NOT_WORK && plans[i] != Plan.DONE && found.missingEvents().contains(eventId)
                        && adopted.add(eventId)) {
                    adopt(work.get(i), batch); // before anything its work leads to, in the same group commit
                }
                if (plans[i] == Plan.NOT_WORK) {
                    deadLetter(item, "not hub work: the message has no " + WorkHeaders.WORK_ID + " header or no text body",
                            work.get(i).headers(), 0L, batch);
                } else if (batch.completed.contains(item.workId()) || plans[i] == Plan.DONE) {
                    alreadyCompleted(item, found.completed().getOrDefault(item.workId(), "[]"), batch);
                    release(holds, item, batch);
                } else if (plans[i] == Plan.WAIT || calls[i] == null) {
                    waitInLine(work.get(i), holds, batch); // behind earlier work of its dossier, in this batch or before
                } else {
                    record(calls[i], holds, batch);
                }
            } finally {
                MDC.remove("dossierCode");
            }
        }
        if (!batch.updates.isEmpty() && updates.publishFromWork(batch.updates, batch.updateJson)) {
            for (DossierUpdate u : batch.updates) {
                batch.entries.add(AuditEntry.out(DossierUpdates.ONESTOP, u.dossierCode(), u.updateType(), "DELIVERED", null,
                        "update:" + u.updateId(), updates.jsonOf(u, batch.updateJson), "from " + u.source()));
            }
        }
        awaitRecordings(batch);
        if (!batch.completions.isEmpty()) batch.companions.add(completionsOf(batch.completions));
        if (!batch.entries.isEmpty() || !batch.companions.isEmpty()) {
            audit.recordWith(batch.companions, batch.entries.toArray(AuditEntry[]::new));
        }
    }

    /**
     * Waits until what the partners accepted is recorded (portal_sent, the ZNS msg_id, ...): a completion must never be
     * durable without it. The records were begun as each partner answered, so they were being written while the
     * updates went to the one-stop system. One the database cannot take even after {@link AfterPartnerCall#PATIENCE}
     * rolls the batch back, as when a connector waited for it itself.
     */
    private void awaitRecordings(Batch batch) {
        for (AfterPartnerCall.Recording r : batch.recordings) {
            try {
                r.await();
            } catch (RuntimeException e) {
                if (InfrastructureFaults.isInfrastructure(e)) {
                    throw new InfrastructureFaults.Unavailable(partner + ": " + r.what() + " could not be recorded: " + describe(e), e);
                }
                // not an outage: the partner has it and the completion stops it being sent again; what is lost is the
                // connector's own note of it, which an operator should hear of
                log.error("{}: {} was accepted by the partner but its record failed: {}", partner, r.what(), describe(e));
            }
        }
    }

    /**
     * The batch's completion records as one statement, each column an array: one execution in PostgreSQL for the
     * whole batch where a row each cost one (flat out, batches hold hundreds).
     */
    private static AuditLog.Companion completionsOf(List<String[]> rows) {
        String[][] columns = new String[4][rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < 4; c++) columns[c][r] = rows.get(r)[c];
        }
        return new AuditLog.Companion("INSERT INTO work_completion (work_id, partner, dossier_code, updates)"
                + " SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) ON CONFLICT (work_id) DO NOTHING",
                columns);
    }

    /**
     * Decides, in the batch's order, what each message leads to: work completed already is not sent again; work of a
     * dossier with earlier work waiting waits behind it (as does everything after it in the batch).
     */
    private Plan[] plan(List<Work> work, Lookup found, ShardHolds holds) {
        Plan[] plans = new Plan[work.size()];
        java.util.Set<String> waitingInBatch = new java.util.HashSet<>();
        for (int i = 0; i < work.size(); i++) {
            WorkItem item = work.get(i).item();
            String dossier = item.dossierCode();
            if (item.workId().startsWith(MALFORMED)) {
                plans[i] = Plan.NOT_WORK;
            } else if (found.completed().containsKey(item.workId())) {
                plans[i] = Plan.DONE;
            } else if (dossier != null && (waitingInBatch.contains(dossier) || holds.mustWait(dossier, item.workId()))) {
                plans[i] = Plan.WAIT;
            } else {
                plans[i] = Plan.CALL;
            }
            if (plans[i] == Plan.WAIT && dossier != null) waitingInBatch.add(dossier);
        }
        return plans;
    }

    private static boolean isCall(Plan p) {
        return p == Plan.CALL;
    }

    /** Work already completed, and intake work whose event has no inbox record (its intake's commit was lost). */
    private record Lookup(Map<String, String> completed, java.util.Set<String> missingEvents) {}

    /**
     * Work of this batch already completed earlier (a redelivery after a crash): workId -> its updates. Only work that
     * may have been worked before is looked up: the broker delivered it before (to this hub or another), it is a
     * retry or an operator's replay, or it was sent before this consumer connected (give or take the hosts' clocks).
     * Work delivered for the first time since the consumer connected cannot have completed, except when the inbound
     * queued an event's work twice (its database commit lost after the broker's); for that rare case each connector
     * keeps its own record of what its partner accepted (portal_sent, notify_message, the VNPost order, ...).
     * In the same statement: which of the batch's intake work has no inbox record for its event; of those, the ones
     * whose intake is still committing are waited for ({@link #lostOf}). Events whose intake this instance made are
     * known without the database ({@link LocalIntakes}): in a steady flow no statement is needed at all.
     */
    private Lookup lookUp(List<jakarta.jms.Message> messages, List<Work> work, long connectedAt)
            throws jakarta.jms.JMSException, InterruptedException {
        List<String> ids = new ArrayList<>();
        List<String> events = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            if (mayHaveBeenWorked(messages.get(i), connectedAt)) ids.add(work.get(i).item().workId());
            String eventId = eventIdOf(work.get(i));
            // this instance's own intake, committed (waited for while it commits): its inbox record is there
            if (eventId != null && !queues.intakes().committed(eventId, INTAKE_WAIT_MILLIS)) events.add(eventId);
        }
        Map<String, String> done = new java.util.HashMap<>();
        java.util.Set<String> missing = new java.util.HashSet<>(events);
        if (ids.isEmpty() && events.isEmpty()) return new Lookup(done, missing);
        jdbc.query(con -> {
            var ps = con.prepareStatement("SELECT 'C', work_id, coalesce(updates, '[]') FROM work_completion WHERE work_id = ANY (?)"
                    + " UNION ALL SELECT 'I', event_id, NULL FROM inbound_event WHERE event_id = ANY (?)");
            ps.setArray(1, con.createArrayOf("varchar", ids.toArray()));
            ps.setArray(2, con.createArrayOf("varchar", events.toArray()));
            return ps;
        }, rs -> {
            if ("C".equals(rs.getString(1))) done.put(rs.getString(2), rs.getString(3));
            else missing.remove(rs.getString(2));
        });
        return new Lookup(done, missing.isEmpty() ? missing : lostOf(missing));
    }

    /**
     * Of events without a visible inbox record, those whose intake's database commit was lost. The intake inserts the
     * inbox record, commits the broker, then the database; work can therefore arrive while its event's record is
     * inserted but not yet committed. Inserting the same eventIds (in a transaction rolled back at once) waits for
     * such an intake to end: an eventId the insert could not take is recorded, one it took has no record and no
     * intake in progress. The ids are taken in one order, so two shards probing the same events never deadlock.
     */
    private java.util.Set<String> lostOf(java.util.Set<String> missing) {
        return jdbc.execute((org.springframework.jdbc.core.ConnectionCallback<java.util.Set<String>>) con -> {
            boolean autoCommit = con.getAutoCommit();
            con.setAutoCommit(false);
            try (var ps = con.prepareStatement("INSERT INTO inbound_event (event_id, dossier_code, event_type, occurred_at, source,"
                    + " payload) SELECT e, '', '', now(), 'PROBE', '' FROM unnest(?::text[]) AS e ORDER BY e"
                    + " ON CONFLICT (event_id) DO NOTHING RETURNING event_id")) {
                ps.setArray(1, con.createArrayOf("text", missing.toArray()));
                java.util.Set<String> lost = new java.util.HashSet<>();
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) lost.add(rs.getString(1));
                }
                return lost;
            } finally {
                con.rollback();
                con.setAutoCommit(autoCommit);
            }
        });
    }

    private static String eventIdOf(Work w) {
        Object id = w.headers().get(WorkHeaders.EVENT_ID);
        return id == null ? null : id.toString();
    }

    /** How far apart the clocks of the hub instances that send and consume work may be. */
    static final long CLOCK_SKEW_MILLIS = 60_000;

    /** How long a worker waits in memory for this instance's intake still committing before asking the database. */
    private static final long INTAKE_WAIT_MILLIS = 10_000;

    private static boolean mayHaveBeenWorked(jakarta.jms.Message m, long connectedAt) throws jakarta.jms.JMSException {
        return m.getJMSRedelivered()
                || (m.propertyExists(WorkHeaders.ATTEMPT) && m.getIntProperty(WorkHeaders.ATTEMPT) > 1)
                || m.propertyExists(WorkHeaders.REPLAY_OF)
                || m.propertyExists(WorkHeaders.WAITING_FOR)
                || m.propertyExists(WorkHeaders.LAST_ERROR)
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

    /** The outcome of calling the connector for one work item (a delivery or a failure); recorded on the shard's thread. */
    private record Call(Work work, Delivery delivery, Exception failure, long latencyMs) {}

    /** A call that failed for a reason that is not final: the dossier's later work in the batch must not be called. */
    private static boolean holdsUpItsDossier(Call c) {
        return c.failure() != null && !(c.failure() instanceof PartnerRejectedException)
                && !(c.failure() instanceof NoConnectorException);
    }

    /** The partner has no {@link PartnerConnector}: final, its work is dead-lettered. */
    static final class NoConnectorException extends RuntimeException {
        NoConnectorException(String partner) {
            super("no connector is installed for partner " + partner);
        }
    }

    /**
     * Calls the partner's connector, with quick in-memory retries for blips, within the partner's circuit breaker and
     * rate limit. Sends nothing to the broker: that is {@link #record}'s part.
     * A failure of the hub's own infrastructure is not held against the partner: it releases the circuit's permission
     * without recording a call, and is not retried here (the whole batch rolls back).
     */
    private Call call(Work work, WorkBatch shared) throws InterruptedException {
        if (connector == null) return new Call(work, null, new NoConnectorException(partner), 0L);
        Exception failure = null;
        Delivery delivery = null;
        long started = System.nanoTime();
        for (int i = 0; i <= policy.getQuickRetries(); i++) {
            if (i > 0) TimeUnit.MILLISECONDS.sleep(policy.getQuickRetryDelay().toMillis());
            started = System.nanoTime();
            try {
                circuit.acquirePermission();
            } catch (CallNotPermittedException open) {
                failure = open;
                break; // the partner is known to be down: the work waits for it, without using an attempt
            }
            try {
                rateLimiter.acquire();
            } catch (org.springframework.dao.DataAccessException dbDown) {
                circuit.releasePermission(); // the hub's database, not the partner: the batch rolls back
                failure = dbDown;
                break;
            }
            try {
                delivery = connector.deliver(work.item(), shared);
                failure = null;
            } catch (InterruptedException interrupted) {
                circuit.releasePermission();
                throw interrupted;
            } catch (Exception e) {
                failure = e;
            }
            long elapsed = System.nanoTime() - started;
            if (failure == null) {
                circuit.onSuccess(elapsed, TimeUnit.NANOSECONDS);
                break;
            }
            if (InfrastructureFaults.isInfrastructure(failure) || InfrastructureFaults.isDataRefused(failure)) {
                circuit.releasePermission(); // not the partner's failure
                break;
            }
            circuit.onError(elapsed, TimeUnit.NANOSECONDS, failure);
            if (failure instanceof PartnerRejectedException) break;
        }
        return new Call(work, failure == null ? delivery : null, failure, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** Without parallel calls: in the batch's order, a dossier's later work skipped once one of its calls failed. */
    private void callInOrder(List<Work> work, Plan[] plans, WorkBatch shared, Call[] calls) throws InterruptedException {
        java.util.Set<String> heldUp = new java.util.HashSet<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < work.size(); i++) {
            WorkItem item = work.get(i).item();
            if (!isCall(plans[i]) || !seen.add(item.workId())) continue; // a repeat is recorded as done after the first
            if (item.dossierCode() != null && heldUp.contains(item.dossierCode())) continue;
            if (item.dossierCode() != null) MDC.put("dossierCode", item.dossierCode());
            try {
                calls[i] = call(work.get(i), shared);
            } finally {
                MDC.remove("dossierCode");
            }
            if (InfrastructureFaults.isInfrastructure(calls[i].failure())) return; // the batch rolls back
            if (holdsUpItsDossier(calls[i]) && item.dossierCode() != null) heldUp.add(item.dossierCode());
        }
    }

    /**
     * With {@code parallel-calls} above 1, the batch's calls for different dossiers are made at once on the
     * partner's call threads, each dossier's in order (stopping at a failure, as in {@link #callInOrder}); what they
     * lead to is recorded afterwards, in the batch's order, on the shard's thread (which holds the broker
     * transaction). Connectors hand the work they lead to back in {@link Delivery#followUp()}; a call thread
     * has no broker transaction, and sending from it fails loudly ({@link PartnerWorkQueues#enqueueAll}).
     */
    private void callInParallel(List<Work> work, Map<String, List<Integer>> byDossier, WorkBatch shared, Call[] calls) throws Exception {
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
                    if (holdsUpItsDossier(calls[i])) break;
                }
                return null;
            }));
        }
        for (java.util.concurrent.Future<?> f : running) f.get();
    }

    /** The batch's calls, in its order, per dossier (work without a dossier on its own); repeats and work not to be called left out. */
    private static Map<String, List<Integer>> callsByDossier(List<Work> work, Plan[] plans) {
        Map<String, List<Integer>> byDossier = new LinkedHashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < work.size(); i++) {
            WorkItem item = work.get(i).item();
            // repeats and work not to be called are left to the shard thread, as without parallel calls
            if (!isCall(plans[i]) || !seen.add(item.workId())) continue;
            byDossier.computeIfAbsent(item.dossierCode() != null ? item.dossierCode() : item.workId(), k -> new ArrayList<>()).add(i);
        }
        return byDossier;
    }

    private static Exception unexpected(Throwable t) {
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) t = t.getCause();
        return t instanceof Exception e ? e : new IllegalStateException(t);
    }

    /** Schedules the quick retries of calls made without blocking (the shard's thread then makes them). */
    private static final java.util.concurrent.ScheduledExecutorService QUICK_RETRIES =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> new CallThread(r, "partner-quick-retries"));

    /**
     * For a connector that {@link PartnerConnector#callsWithoutBlocking() calls without blocking}, a batch with several
     * dossiers' calls: they are made from this (the shard's) thread, up to {@code parallel-calls} x {@code concurrency} dossiers' at once (as
     * many as the blocking path's call threads), each dossier's in order
     * (stopping at a failure, as in {@link #callInOrder}); the partner's answers come back on the HTTP client's I/O
     * thread, which hands them here. Everything that may block (a connector's reads and claims before its call, the
     * rate limit, the circuit's bookkeeping) runs on this thread; no thread waits on a call.
     */
    private void callWithoutBlocking(List<Work> work, Map<String, List<Integer>> byDossier, WorkBatch shared, Call[] calls) throws InterruptedException {
        java.util.Iterator<List<Integer>> waiting = byDossier.values().iterator();
        java.util.concurrent.BlockingQueue<Runnable> here = new java.util.concurrent.LinkedBlockingQueue<>();
        // as many at once as the call threads the blocking path would have (parallel-calls per shard, shared by the
        // shards): capped at parallel-calls per shard, a batch took several round trips and the shards' batches shrank
        int width = Math.max(1, policy.getParallelCalls() * policy.getConcurrency());
        int[] running = {0}; // dossiers with a call out; touched on this thread only
        class Dossier {
            private final List<Integer> items;

            Dossier(List<Integer> items) {
                this.items = items;
                running[0]++;
            }

            void call(int at) {
                int i = items.get(at);
                java.util.concurrent.CompletableFuture<Call> answered;
                MDC.put("dossierCode", String.valueOf(work.get(i).item().dossierCode()));
                try {
                    answered = callAsync(work.get(i), shared, 0, here);
                } finally {
                    MDC.remove("dossierCode");
                }
                answered.whenComplete((answer, unexpected) -> here.add(() -> {
                    // callAsync's future does not fail; if it ever did, the work is retried rather than this thread left waiting
                    Call c = answer != null ? answer : new Call(work.get(i), null, unexpected(unexpected), 0L);
                    calls[i] = c;
                    if (at + 1 < items.size() && !holdsUpItsDossier(c)) {
                        call(at + 1);
                    } else {
                        running[0]--;
                        if (waiting.hasNext()) new Dossier(waiting.next()).call(0);
                    }
                }));
            }
        }
        while (running[0] < width && waiting.hasNext()) new Dossier(waiting.next()).call(0);
        while (running[0] > 0) here.take().run();
    }

    /**
     * {@link #call} without waiting for the partner: started on the shard's thread ({@code here} runs what must run
     * there: the quick retries), answered on the HTTP client's I/O thread. The future never fails: a failure is the
     * {@link Call}'s, classified as {@link #call} classifies it.
     */
    private java.util.concurrent.CompletableFuture<Call> callAsync(Work work, WorkBatch shared, int retry,
                                                                   java.util.concurrent.BlockingQueue<Runnable> here) {
        long started = System.nanoTime();
        try {
            circuit.acquirePermission();
        } catch (CallNotPermittedException open) {
            return java.util.concurrent.CompletableFuture.completedFuture(new Call(work, null, open, 0L));
        }
        try {
            rateLimiter.acquire();
        } catch (org.springframework.dao.DataAccessException dbDown) {
            circuit.releasePermission();
            return java.util.concurrent.CompletableFuture.completedFuture(new Call(work, null, dbDown, 0L));
        } catch (InterruptedException stopping) {
            // the shard is stopping: its wait for the answers ends at once and the batch rolls back
            circuit.releasePermission();
            Thread.currentThread().interrupt();
            return java.util.concurrent.CompletableFuture.completedFuture(new Call(work, null, stopping, 0L));
        }
        java.util.concurrent.CompletableFuture<Delivery> delivery;
        try {
            delivery = connector.deliverAsync(work.item(), shared);
        } catch (RuntimeException e) {
            delivery = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        return delivery.handle((d, error) -> {
            long elapsed = System.nanoTime() - started;
            Call c = new Call(work, error == null ? d : null, error == null ? null : PartnerConnector.failureOf(error),
                    TimeUnit.NANOSECONDS.toMillis(elapsed));
            if (c.failure() == null) {
                circuit.onSuccess(elapsed, TimeUnit.NANOSECONDS);
            } else if (InfrastructureFaults.isInfrastructure(c.failure()) || InfrastructureFaults.isDataRefused(c.failure())) {
                circuit.releasePermission(); // not the partner's failure
            } else {
                circuit.onError(elapsed, TimeUnit.NANOSECONDS, c.failure());
            }
            return c;
        }).thenCompose(c -> {
            // as {@link #call}: not when the partner is known down, refused the item, or the hub's own parts failed
            boolean again = c.failure() != null && retry < policy.getQuickRetries()
                    && !(c.failure() instanceof CallNotPermittedException) && !(c.failure() instanceof PartnerRejectedException)
                    && !(c.failure() instanceof org.springframework.dao.DataAccessException)
                    && !InfrastructureFaults.isInfrastructure(c.failure());
            if (!again) return java.util.concurrent.CompletableFuture.completedFuture(c);
            java.util.concurrent.CompletableFuture<Call> next = new java.util.concurrent.CompletableFuture<>();
            QUICK_RETRIES.schedule(() -> here.add(() -> callAsync(work, shared, retry + 1, here).whenComplete((answer, unexpected) ->
                            next.complete(answer != null ? answer : new Call(work, null, unexpected(unexpected), 0L)))),
                    policy.getQuickRetryDelay().toMillis(), TimeUnit.MILLISECONDS);
            return next;
        });
    }

    /** What a call leads to: completion, dead letter or retry, and their audit records, in the batch. */
    private void record(Call c, ShardHolds holds, Batch batch) {
        WorkItem item = c.work().item();
        Exception failure = c.failure();
        long latencyMs = c.latencyMs();
        Map<String, Object> headers = c.work().headers();
        if (failure == null) {
            succeeded(c.delivery(), item, latencyMs, batch);
            release(holds, item, batch);
        } else if (InfrastructureFaults.isInfrastructure(failure)) {
            // the hub's database, broker or Kafka failed, not the partner: the batch rolls back and comes again
            throw new InfrastructureFaults.Unavailable(partner + " work " + item.workId() + " could not be recorded: "
                    + describe(failure), failure);
        } else if (InfrastructureFaults.isDataRefused(failure)) {
            // the partner answered, but with a value the hub cannot keep (too long for its column, a NUL): no retry
            // mends it, so an operator looks at it (the database's message names the column type, not the value)
            deadLetter(item, "the hub's database refused what " + partner + " answered: "
                    + vn.gov.lgsp.hub.model.PersonalData.maskText(describe(failure)), headers, latencyMs, batch);
            release(holds, item, batch);
        } else if (failure instanceof PartnerRejectedException rejected) {
            deadLetter(item, "rejected by " + partner + (rejected.partnerCode() == null ? "" : " (" + rejected.partnerCode() + ")")
                    + ": " + rejected.getMessage(), headers, latencyMs, batch);
            release(holds, item, batch);
        } else if (failure instanceof NoConnectorException) {
            deadLetter(item, failure.getMessage(), headers, latencyMs, batch);
            release(holds, item, batch);
        } else if (isOutage(failure)) {
            retryLater(item, failure, latencyMs, holds, batch, false);
        } else if (item.attempt() >= policy.getMaxAttempts()) {
            deadLetter(item, "gave up after " + item.attempt() + " attempts: " + describe(failure), headers, latencyMs, batch);
            release(holds, item, batch);
        } else {
            retryLater(item, failure, latencyMs, holds, batch, true);
        }
    }

    /**
     * The partner is down rather than failing this item: its circuit refused the call, or is no longer closed after
     * this failure (it fails most calls, or is being tried again after an outage).
     */
    private boolean isOutage(Exception failure) {
        return failure instanceof CallNotPermittedException || circuit.getState() != CircuitBreaker.State.CLOSED;
    }

    private void release(ShardHolds holds, WorkItem item, Batch batch) {
        AuditLog.Companion released = holds.release(item.dossierCode(), item.workId());
        if (released != null) batch.companions.add(released);
    }

    private void succeeded(Delivery delivery, WorkItem item, long latencyMs, Batch batch) {
        if (delivery == null) delivery = Delivery.done(null); // a connector that had nothing to say
        List<DossierUpdate> produced = delivery.updates();
        boolean skipped = delivery.skipped();
        String payload = delivery.wirePayload() != null ? delivery.wirePayload() : item.body();
        String detail = delivery.detail();
        if (!delivery.followUp().isEmpty()) queues.enqueueAll(delivery.followUp()); // joins the batch's broker transaction
        if (delivery.recording() != null) batch.recordings.add(delivery.recording());
        batch.updates.addAll(produced);
        batch.completed.add(item.workId());
        batch.completions.add(new String[] {item.workId(), partner, item.dossierCode(), updates.toJsonList(produced, batch.updateJson)});
        batch.entries.add(AuditEntry.out(partner, item.dossierCode(), item.messageType(), skipped ? "SKIPPED" : "DELIVERED",
                latencyMs, item.workId(), skipped ? null : payload, detail));
    }

    /**
     * Queues the work again with the broker delaying it: after the backoff of its attempt when the partner failed
     * this item while serving others (the attempt counts), after {@code outage-retry-delay} when the partner is down
     * (it does not). Either way it heads its dossier's line, so that the dossier's later work waits behind it.
     */
    private void retryLater(WorkItem item, Exception failure, long latencyMs, ShardHolds holds, Batch batch, boolean counts) {
        long delay = (counts ? policy.backoffAfter(item.attempt()) : policy.getOutageRetryDelay()).toMillis();
        WorkItem next = counts ? item.withAttempt(item.attempt() + 1) : item;
        queues.send(next, delay, describe(failure), Map.of());
        hold(holds, item, "waits for a retry: " + describe(failure), batch);
        if (item.dossierCode() != null) holds.dueAt(item.dossierCode(), System.currentTimeMillis() + delay);
        String why = counts ? "attempt " + item.attempt() + " failed: " + describe(failure)
                : partner + " is down (attempt " + item.attempt() + " not used up): " + describe(failure);
        batch.entries.add(AuditEntry.out(partner, item.dossierCode(), item.messageType(), counts ? "RETRY_SCHEDULED" : "WAITING_FOR_PARTNER",
                latencyMs, item.workId(), null, why + "; next in " + delay + " ms"));
        if (counts) log.warn("{} work {} attempt {} failed ({}); retry in {} ms", partner, item.workId(), item.attempt(), describe(failure), delay);
        else log.info("{} work {} waits {} ms for {} to come back ({})", partner, item.workId(), delay, partner, describe(failure));
    }

    private void hold(ShardHolds holds, WorkItem item, String reason, Batch batch) {
        AuditLog.Companion held = holds.hold(item.dossierCode(), item.workId(), PartnerWorkQueues.truncate(reason, 500));
        if (held != null) batch.companions.add(held);
    }

    /**
     * Work that must not overtake earlier work of its dossier: re-queued to come back just after the work it waits
     * for is due, in its place in the dossier's line. Its attempts are untouched. Audited when it joins the line.
     */
    private void waitInLine(Work w, ShardHolds holds, Batch batch) {
        WorkItem item = w.item();
        boolean joins = !holds.isHeld(item.dossierCode(), item.workId());
        String ahead = holds.first(item.dossierCode());
        hold(holds, item, "behind " + ahead, batch);
        long delay = holds.delayFor(item.dossierCode(), item.workId(), policy.getOutageRetryDelay().toMillis(), System.currentTimeMillis());
        queues.send(item, delay, null, carried(w, Map.of(WorkHeaders.WAITING_FOR, String.valueOf(ahead))));
        if (joins) {
            batch.entries.add(AuditEntry.out(partner, item.dossierCode(), item.messageType(), "WAITING", null, item.workId(), null,
                    "waits behind earlier work of the dossier (" + ahead + ")"));
        }
    }

    /** Headers a re-queued message keeps (which event it serves), with {@code extra}. */
    private static Map<String, String> carried(Work w, Map<String, String> extra) {
        Map<String, String> headers = new LinkedHashMap<>();
        String eventId = eventIdOf(w);
        if (eventId != null) headers.put(WorkHeaders.EVENT_ID, eventId);
        headers.putAll(extra);
        return headers;
    }

    /**
     * Intake work whose event never got its inbox record: the intake's broker commit happened and its database commit
     * was lost (a crash between the two; its client got no answer). The event is recorded now, with its audit record,
     * in the same group commit as what its work leads to, so that no partner hears of an event the hub has not
     * recorded as accepted.
     */
    private void adopt(Work w, Batch batch) {
        WorkItem item = w.item();
        String eventId = eventIdOf(w);
        com.fasterxml.jackson.databind.JsonNode event;
        try {
            event = EVENT_READER.readTree(item.body());
        } catch (java.io.IOException e) {
            event = JsonNodeFactory.instance.objectNode();
        }
        String occurredAt = event.path("occurredAt").asText(null);
        batch.companions.add(new AuditLog.Companion("INSERT INTO inbound_event (event_id, dossier_code, event_type, occurred_at,"
                + " source, payload) VALUES (?,?,?, coalesce(?::timestamptz, now()), 'RECOVERED', ?) ON CONFLICT (event_id) DO NOTHING",
                new Object[] {eventId, item.dossierCode(), event.path("eventType").asText(item.messageType()), occurredAt, item.body()}));
        batch.entries.add(new AuditEntry(AuditEntry.Direction.IN, DossierUpdates.ONESTOP, item.dossierCode(),
                event.path("eventType").asText(item.messageType()), "ACCEPTED", null, eventId, item.body(), "recovered by the " + partner + " worker: its work was queued but the intake's"
                        + " database commit was lost (crash); recorded before the partner is called"));
        log.warn("{} work {}: event {} had no inbox record and no intake in progress; recorded now", partner, item.workId(), eventId);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper EVENT_READER = new com.fasterxml.jackson.databind.ObjectMapper();

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

    /** The failure and, when it wraps another (Camel's CamelExecutionException does), what it wraps at the bottom. */
    private static String describe(Throwable t) {
        Throwable root = t;
        for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 20; depth++) root = root.getCause();
        String text = one(t) + (root == t ? "" : " (caused by " + one(root) + ")");
        return PartnerWorkQueues.truncate(text, 500);
    }

    private static String one(Throwable t) {
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
