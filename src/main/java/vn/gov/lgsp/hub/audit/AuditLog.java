package vn.gov.lgsp.hub.audit;

import static vn.gov.lgsp.hub.db.ColumnArrays.column;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.PreparedStatementCreator;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import vn.gov.lgsp.hub.db.ColumnArrays;
import vn.gov.lgsp.hub.model.PersonalData;
import vn.gov.lgsp.hub.web.Unavailability;

/**
 * The append-only, hash-chained audit log.
 *
 * <p>Records are written by one writer thread in batches ("group commit"): a caller hands its records in and
 * waits until the batch holding them is committed, so a partner call is acknowledged only once its audit record
 * is durable, while many callers share one database transaction. The chain is extended under a PostgreSQL
 * advisory lock, so several hub instances can share one log. A batch that fails for a reason other than an outage
 * is written again caller by caller, so that one caller's bad statement fails that caller alone.
 */
@Component
public class AuditLog {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    /** Advisory lock key serialising chain extension across hub instances ("AUDIT" in ASCII). */
    private static final long CHAIN_LOCK = 0x4155444954L;
    private static final int MAX_BATCH = 1000;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final MeterRegistry metrics;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private volatile boolean running = true;
    /** The hash of the last record this instance appended: where it expects the chain to end (see {@link #append}). */
    private final AtomicReference<String> lastWritten = new AtomicReference<>();
    private final Counter extendedElsewhere;

    /**
     * Extra statements run in the same transaction as a batch (e.g. recording a work completion). A companion made by
     * a {@link RowStatement} is one row of a statement written once for all the alike callers of a group commit.
     */
    public record Companion(String sql, Object[] args, RowStatement rows) {
        public Companion(String sql, Object[] args) {
            this(sql, args, null);
        }
    }

    /**
     * A statement that writes the rows of all the callers of a group commit that have it at once: its SQL takes each
     * column as an array ({@code unnest(?::text[], ?::int8[], ...)}, in the order of {@code types}, the arrays' element
     * types), and each caller brings one row ({@link #row}). A JDBC batch is one execution in PostgreSQL per caller;
     * this is one for them all (bench/PROFILING.md, "A twenty-ninth look"). Rows with the same value in the {@code key}
     * column (its index) never meet in one execution (an upsert may change a row only once per statement, and an
     * update's join would pick one of them): the second goes in a further execution, in its caller's order.
     *
     * <p>A {@code counted} statement returns the key of each row it changed ({@code RETURNING}, as text): its callers
     * learn their count (1 or 0), and it may be a guard ({@link #recordIf}). Any other tells a caller no count of its
     * own ({@link java.sql.Statement#SUCCESS_NO_INFO}).
     */
    public record RowStatement(String sql, int key, boolean counted, String... types) {
        public static RowStatement of(String sql, int key, String... types) {
            return new RowStatement(sql, key, false, types);
        }

        public static RowStatement counted(String sql, int key, String... types) {
            return new RowStatement(sql, key, true, types);
        }

        public Companion row(Object... values) {
            if (values.length != types.length) throw new IllegalArgumentException(types.length + " values expected, not " + values.length);
            return new Companion(sql, values, this);
        }
    }

    /**
     * A caller's records (with what is stored of them, prepared on the caller's thread) and statements; {@code counts}
     * receives each statement's update count when written. A {@code guarded} caller's first statement decides: if it
     * changes no row, the caller's other statements and its records are left out ({@link #recordIf}).
     */
    private record Pending(List<AuditEntry> entries, List<Stored> stored, List<Companion> companions, int[] counts,
                           CompletableFuture<Void> done, boolean guarded) {
        /** A guarded caller whose first statement changed nothing: nothing else of it is written. */
        boolean stopped() {
            return guarded && counts[0] == 0;
        }

        /** What the writer writes of the caller after its first statement. */
        boolean goesOn() {
            return !stopped();
        }
    }

    public AuditLog(JdbcTemplate jdbc, TransactionTemplate tx, MeterRegistry metrics) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.metrics = metrics;
        // how far the writer is behind: what callers (partner calls, webhooks, shard batches) are waiting for
        io.micrometer.core.instrument.Gauge.builder("hub.audit.waiting", queue, LinkedBlockingQueue::size)
                .description("Callers waiting for the audit log's next group commit").register(metrics);
        this.extendedElsewhere = Counter.builder("hub.audit.chain.elsewhere")
                .description("Appends that found the chain extended by another writer since this instance's last one"
                        + " (another hub instance, or the inbound's and the audit writer's turns in between)")
                .register(metrics);
        this.writer = new Thread(this::writeLoop, "audit-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Records the entries and returns once they are durable. */
    public void record(AuditEntry... entries) {
        recordWith(List.of(), entries);
    }

    /** Records the entries together with companion statements, atomically, and returns once durable. */
    public void recordWith(List<Companion> companions, AuditEntry... entries) {
        await(submit(List.of(entries), companions, new int[companions.size()], false));
    }

    /**
     * Records the entries together with the statements, atomically, only if {@code guard} (the first statement)
     * changes a row: e.g. an event stored once under its dedupe key, and what it leads to, and its audit record, only
     * the first time it comes. Returns once durable; true when the guard changed a row (everything was written).
     */
    public boolean recordIf(Companion guard, List<Companion> then, AuditEntry... entries) {
        if (guard.rows() != null && !guard.rows().counted()) {
            throw new IllegalArgumentException("a row statement that is not counted tells no caller what it changed: not a guard");
        }
        List<Companion> all = new ArrayList<>(then.size() + 1);
        all.add(guard);
        all.addAll(then);
        int[] counts = new int[all.size()];
        await(submit(List.of(entries), all, counts, true));
        return counts[0] > 0;
    }

    private static void await(CompletableFuture<Void> written) {
        try {
            written.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the audit log", e);
        } catch (java.util.concurrent.TimeoutException e) {
            // the database did not answer the writer in time: an outage, as callers tell one (503, the batch again)
            throw new org.springframework.dao.QueryTimeoutException("audit log write not durable after 60 s", e);
        } catch (Exception e) {
            throw new IllegalStateException("audit log write failed: " + e.getMessage(), e);
        }
    }

    /**
     * Commits the statements in the next group commit and returns once they are durable: for the record a connector
     * writes as soon as its partner accepted a call (what was sent, to whom), so that the calls a partner's shards
     * make at once share one database transaction instead of one each. A failure is thrown as {@link #recordWith}
     * throws it (the database's own exception as its cause, which {@code InfrastructureFaults} recognises).
     *
     * @return each statement's update count (rows inserted or changed), in order
     */
    public int[] commit(Companion... statements) {
        int[] counts = new int[statements.length];
        await(submit(List.of(), List.of(statements), counts, false));
        return counts;
    }

    /** Callers whose records wait for the writer (not counting the batch being written). */
    public int waiting() {
        return queue.size();
    }

    public CompletableFuture<Void> submit(List<AuditEntry> entries, List<Companion> companions) {
        return submit(entries, companions, new int[companions.size()], false);
    }

    private CompletableFuture<Void> submit(List<AuditEntry> entries, List<Companion> companions, int[] counts, boolean guarded) {
        if (!running) throw new IllegalStateException("audit log is stopped");
        // masked and digested here, on the caller's thread: the one writer's turn (which every caller waits for) is
        // then the database's work alone; masking was half of it (bench/PROFILING.md)
        Pending p = new Pending(entries, prepare(entries), companions, counts, new CompletableFuture<>(), guarded);
        queue.add(p);
        return p.done();
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                int size = first.entries().size();
                Pending next;
                while (size < MAX_BATCH && (next = queue.poll()) != null) {
                    batch.add(next);
                    size += next.entries().size();
                }
                writeBatch(batch);
                batch.forEach(p -> p.done().complete(null));
                countAll(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                if (batch.size() > 1 && Unavailability.of(e) == null) {
                    // not an outage: one caller's statement or record failed the shared transaction (a value its
                    // column refuses, ...). Each caller again on its own, so that only that caller hears of it; the
                    // others (partner calls already made, webhooks to answer) must not fail with it
                    log.warn("audit batch of {} failed ({}): writing its callers one by one", batch.size(), e.getMessage());
                    batch.forEach(this::writeAlone);
                } else {
                    log.error("audit batch of {} failed: {}", batch.size(), e.getMessage());
                    batch.forEach(p -> p.done().completeExceptionally(e));
                }
            } finally {
                batch.clear();
            }
        }
    }

    private void writeAlone(Pending p) {
        try {
            writeBatch(List.of(p));
            p.done().complete(null);
            if (p.goesOn()) count(p.entries());
        } catch (Exception e) {
            log.error("audit write of one caller failed: {}", e.getMessage());
            p.done().completeExceptionally(e);
        }
    }

    private void writeBatch(List<Pending> batch) {
        tx.executeWithoutResult(status -> {
            // the companions first: the chain lock, taken by the append, is then held only for the chain and the
            // commit (the inbound's batches wait for it), and never while waiting for a companion's row locks
            writeCompanions(batch);
            List<AuditEntry> all = new ArrayList<>();
            List<Stored> stored = new ArrayList<>();
            for (Pending p : batch) {
                if (p.stopped()) continue;
                all.addAll(p.entries());
                stored.addAll(p.stored());
            }
            append(all, stored);
        });
    }

    /**
     * Each caller's statements in its own order, each count back to its caller. Callers whose statements are alike
     * (the same ones in the same order: the sent records of a partner's calls, the webhooks' inserts, the shards'
     * completions) go together, one JDBC batch (one round trip) per statement for all of them, or one execution of a
     * {@link RowStatement} for all their rows: taken in the order the callers came, the statements of a group commit
     * changed kind at almost every caller, and each change was a round trip. Callers of one group commit are
     * independent of each other (none waits for another's commit), so their statements may run in any order between
     * callers.
     */
    private void writeCompanions(List<Pending> batch) {
        Map<List<String>, List<Pending>> alike = new LinkedHashMap<>();
        for (Pending p : batch) {
            if (p.companions().isEmpty()) continue;
            alike.computeIfAbsent(p.companions().stream().map(Companion::sql).toList(), k -> new ArrayList<>()).add(p);
        }
        alike.forEach((statements, callers) -> {
            for (int i = 0; i < statements.size(); i++) {
                int position = i;
                // after the first statement, without the guarded callers it stopped
                List<Pending> going = i == 0 ? callers : callers.stream().filter(Pending::goesOn).toList();
                if (going.isEmpty()) break;
                RowStatement rows = going.get(0).companions().get(position).rows();
                if (rows != null) {
                    writeRows(rows, going, position);
                    continue;
                }
                int[] counts = jdbc.batchUpdate(statements.get(i), going.stream().map(p -> p.companions().get(position).args()).toList());
                for (int k = 0; k < counts.length; k++) going.get(k).counts()[position] = counts[k];
            }
        });
    }

    /** The callers' rows of a {@link RowStatement} at {@code position}: one execution, more only for a repeated key. */
    private void writeRows(RowStatement statement, List<Pending> callers, int position) {
        List<List<Pending>> executions = new ArrayList<>();
        Map<Object, Integer> times = new HashMap<>();
        for (Pending p : callers) {
            int execution = times.merge(p.companions().get(position).args()[statement.key()], 1, Integer::sum) - 1;
            if (execution == executions.size()) executions.add(new ArrayList<>());
            executions.get(execution).add(p);
        }
        for (List<Pending> rows : executions) {
            ColumnArrays.Column[] columns = new ColumnArrays.Column[statement.types().length];
            for (int c = 0; c < columns.length; c++) {
                Object[] values = new Object[rows.size()];
                for (int r = 0; r < values.length; r++) values[r] = rows.get(r).companions().get(position).args()[c];
                columns[c] = column(statement.types()[c], values);
            }
            PreparedStatementCreator sql = ColumnArrays.statement(statement.sql(), List.of(), columns);
            if (!statement.counted()) {
                jdbc.update(sql);
                rows.forEach(p -> p.counts()[position] = java.sql.Statement.SUCCESS_NO_INFO);
                continue;
            }
            java.util.Set<String> changed = new java.util.HashSet<>(jdbc.query(sql, (rs, i) -> rs.getString(1)));
            for (Pending p : rows) {
                p.counts()[position] = changed.contains(String.valueOf(p.companions().get(position).args()[statement.key()])) ? 1 : 0;
            }
        }
    }

    /**
     * Appends entries inside the caller's database transaction (which must be active), so they commit or roll
     * back with the caller's own rows. Holds the chain lock until that transaction ends: keep it short.
     * Callers outside this class must count the entries themselves with {@link #count(List)}.
     */
    public void appendInCurrentTransaction(List<AuditEntry> entries) {
        appendInCurrentTransaction(entries, Map.of());
    }

    /**
     * As {@link #appendInCurrentTransaction(List)}, with what is stored of some of the entries' payloads prepared
     * before ({@link #prepare(String)}), by payload: where a caller's own transaction is the serial step (an inbound
     * batch), the masking and the digests are done before it.
     */
    public void appendInCurrentTransaction(List<AuditEntry> entries, Map<String, PreparedPayload> prepared) {
        // digests and masking before the chain lock: it serialises every writer of the log (the audit writer and
        // each inbound batch), so it is held for the chain alone
        append(entries, prepare(entries, prepared));
    }

    /**
     * What is stored of a payload: its digest, its masked copy, that copy's UTF-8 (as its digest read it, and as the
     * database is sent it: see {@link ColumnArrays}) and that copy's digest; and the payload's own UTF-8, as its digest
     * read it, for a caller that stores the payload itself (the intake's inbox: one encoding of the event's text).
     */
    public record PreparedPayload(String digest, String masked, byte[] maskedUtf8, String maskedDigest, byte[] utf8) {}

    /** What is stored of the payload: the costly part of recording it (masking, digests), done on the caller's thread. */
    public static PreparedPayload prepare(String payload) {
        byte[] utf8 = payload.getBytes(StandardCharsets.UTF_8);
        String digest = AuditChain.sha256(utf8);
        String masked = PersonalData.maskJson(payload);
        // a payload with nothing personal is stored as it came: its digest and bytes are the ones just made
        if (masked.equals(payload)) return new PreparedPayload(digest, masked, utf8, digest, utf8);
        byte[] maskedUtf8 = masked.getBytes(StandardCharsets.UTF_8);
        return new PreparedPayload(digest, masked, maskedUtf8, AuditChain.sha256(maskedUtf8), utf8);
    }

    private static List<Stored> prepare(List<AuditEntry> entries) {
        return prepare(entries, Map.of());
    }

    /** What is stored of each entry: its payload's digest, the masked payload and detail, and their digests. */
    private static List<Stored> prepare(List<AuditEntry> entries, Map<String, PreparedPayload> prepared) {
        List<Stored> stored = new ArrayList<>(entries.size());
        for (AuditEntry e : entries) {
            PreparedPayload payload = e.payload() == null ? null : prepared.get(e.payload());
            if (payload == null && e.payload() != null) payload = prepare(e.payload());
            String detail = PersonalData.maskText(e.detail());
            stored.add(payload == null ? new Stored(null, null, detail, null, AuditChain.textDigest(detail))
                    : new Stored(payload.digest(), payload.maskedUtf8(), detail, payload.maskedDigest(), AuditChain.textDigest(detail)));
        }
        return stored;
    }

    /**
     * Chains and inserts the entries, with what is stored of them ({@link #prepare}), in the current transaction.
     *
     * <p>The chain's last hash is usually the one this instance wrote last: the entries are then chained onto it
     * before the chain lock is asked for, and the lock and the insert go to the database in one round trip, the insert
     * adding rows only if the chain still ends there. If another writer appended since (the other of this hub's two
     * writers, or another hub instance), that statement inserts nothing and says where the chain ends: the entries are
     * chained again onto that hash and inserted, the lock still held. The lock is held one round trip less either way
     * (the inbound's batches and the audit writer wait for it), and a chain never forks: whether it still ends where
     * expected is asked under the lock.
     */
    private void append(List<AuditEntry> entries, List<Stored> stored) {
        if (entries.isEmpty()) return;
        String expected = lastWritten.get();
        Chained chained = chain(entries, stored, expected == null ? AuditChain.GENESIS : expected);
        String actual = lockChainAndInsertIfItEndsAt(expected, chained);
        if (actual != null) {
            extendedElsewhere.increment();
            // the lock is held from here to the commit: a later time than any record chained before this one
            chained = chain(entries, stored, actual);
            jdbc.update(ColumnArrays.statement(INSERT, chained.leading(), chained.columns()));
        }
        lastWritten.set(chained.lastHash());
    }

    /** What an append writes: its records' hashes chained onto {@code prev}, each column as an array. */
    private record Chained(Timestamp recordedAt, ColumnArrays.Column[] columns, String lastHash) {
        List<Object> leading() {
            return List.of(recordedAt);
        }
    }

    private static Chained chain(List<AuditEntry> entries, List<Stored> stored, String prev) {
        int n = entries.size();
        String[] direction = new String[n], party = new String[n], dossier = new String[n], type = new String[n],
                outcome = new String[n], correlation = new String[n], digest = new String[n], detail = new String[n],
                prevHash = new String[n], hash = new String[n], maskedDigest = new String[n], detailDigest = new String[n];
        Long[] latency = new Long[n];
        byte[][] masked = new byte[n][];
        Instant now = AuditChain.dbPrecision(Instant.now());
        for (int i = 0; i < n; i++) {
            AuditEntry e = entries.get(i);
            direction[i] = e.direction().name();
            party[i] = e.party();
            dossier[i] = e.dossierCode();
            type[i] = e.messageType();
            outcome[i] = e.outcome();
            latency[i] = e.latencyMs();
            correlation[i] = e.correlationId();
            digest[i] = stored.get(i).digest();
            masked[i] = stored.get(i).maskedPayload();
            detail[i] = stored.get(i).maskedDetail();
            maskedDigest[i] = stored.get(i).maskedPayloadDigest();
            detailDigest[i] = stored.get(i).detailDigest();
            prevHash[i] = prev;
            hash[i] = AuditChain.recordHashFromDigests(prev, now, direction[i], party[i], dossier[i], type[i], outcome[i],
                    latency[i], correlation[i], digest[i], maskedDigest[i], detailDigest[i]);
            prev = hash[i];
        }
        return new Chained(Timestamp.from(now), new ColumnArrays.Column[] {
                column("text", direction), column("text", party), column("text", dossier), column("text", type),
                column("text", outcome), column("int8", latency), column("text", correlation), column("text", digest),
                column("text", masked), column("text", detail), column("text", prevHash), column("text", hash),
                column("text", maskedDigest), column("text", detailDigest)}, prev);
    }

    /** The records of one append, in the chain's order (the array position): ids follow that order. */
    private static final String ROWS = "SELECT ?, " + AuditChain.VERSION + ", r.direction, r.party, r.dossier_code,"
            + " r.message_type, r.outcome, r.latency_ms, r.correlation_id, r.payload_digest, r.masked_payload, r.detail,"
            + " r.prev_hash, r.record_hash, r.masked_payload_digest, r.detail_digest"
            + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[],"
            + " ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY AS r(direction, party,"
            + " dossier_code, message_type, outcome, latency_ms, correlation_id, payload_digest, masked_payload, detail,"
            + " prev_hash, record_hash, masked_payload_digest, detail_digest, position)";
    private static final String INTO = "INSERT INTO audit_record (recorded_at, hash_version, direction, party, dossier_code,"
            + " message_type, outcome, latency_ms, correlation_id, payload_digest, masked_payload, detail, prev_hash,"
            + " record_hash, masked_payload_digest, detail_digest) ";
    private static final String INSERT = INTO + ROWS + " ORDER BY r.position";
    /**
     * The chain lock, then the records if the chain ends at the expected hash (the first parameter), in one round trip:
     * two statements sent together, which PostgreSQL runs one after the other, so the second (its own snapshot, taken
     * once the lock is held) sees every record a previous holder committed. Answers where the chain ends and how many
     * records were added.
     */
    private static final String LOCK_AND_INSERT_IF_IT_ENDS_AT = "SELECT pg_advisory_xact_lock(" + CHAIN_LOCK + ");"
            + " WITH tail AS (SELECT coalesce((SELECT record_hash FROM audit_record ORDER BY id DESC LIMIT 1), '"
            + AuditChain.GENESIS + "') AS hash, ?::text AS expected),"
            + " added AS (" + INTO + ROWS + ", tail WHERE tail.hash = tail.expected ORDER BY r.position RETURNING 1)"
            + " SELECT (SELECT hash FROM tail), (SELECT count(*) FROM added)";

    /**
     * Takes the chain lock (held to the commit) and inserts the records if the chain ends at {@code expected}; returns
     * null if they were inserted, else the hash the chain ends at (nothing inserted).
     */
    private String lockChainAndInsertIfItEndsAt(String expected, Chained chained) {
        List<Object> leading = new ArrayList<>();
        leading.add(expected); // null before this instance's first append: never the chain's end, which is then read
        leading.addAll(chained.leading());
        return jdbc.execute(ColumnArrays.statement(LOCK_AND_INSERT_IF_IT_ENDS_AT, leading, chained.columns()),
                (java.sql.PreparedStatement ps) -> {
                    ps.execute(); // the lock's answer
                    if (!ps.getMoreResults()) throw new IllegalStateException("the chain's append did not answer");
                    try (java.sql.ResultSet r = ps.getResultSet()) {
                        if (!r.next()) throw new IllegalStateException("the chain's append did not answer");
                        return r.getLong(2) > 0 ? null : r.getString(1);
                    }
                });
    }

    /**
     * What is stored of an entry's payload and detail: the payload's digest, the masked texts (the payload's as UTF-8)
     * and their digests.
     */
    private record Stored(String digest, byte[] maskedPayload, String maskedDetail, String maskedPayloadDigest, String detailDigest) {}

    /** Prometheus: hub_messages_total{party, direction, outcome}. */
    private void countAll(List<Pending> batch) {
        batch.forEach(p -> {
            if (p.goesOn()) count(p.entries());
        });
    }

    public void count(List<AuditEntry> entries) {
        {
            for (AuditEntry e : entries) {
                String key = e.party() + '|' + e.direction() + '|' + e.outcome();
                counters.computeIfAbsent(key, k -> Counter.builder("hub.messages")
                        .description("Messages in and out of the hub, per party and outcome")
                        .tag("party", e.party()).tag("direction", e.direction().name()).tag("outcome", e.outcome())
                        .register(metrics)).increment();
            }
        }
    }

    @PreDestroy
    public void stop() throws InterruptedException {
        running = false;
        writer.join(10_000);
    }
}
