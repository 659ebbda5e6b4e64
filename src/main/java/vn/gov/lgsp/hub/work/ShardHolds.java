package vn.gov.lgsp.hub.work;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.hub.audit.AuditLog;

/**
 * The dossiers of one shard whose work waits behind earlier work of the same dossier (table work_hold): per dossier,
 * the waiting work ids in the order they must run. The first is the work that may run (it waits for a retry, or for
 * its inbox record); the others are re-queued behind it until it completes or becomes a dead letter, so that a
 * dossier's later work never overtakes earlier work.
 *
 * <p>Kept in memory by the shard's consumer, which is the only one working the shard (exclusive queue, across hub
 * instances too), and written through to PostgreSQL in the batch's group commit. Read again from the database when
 * the consumer connects (another instance may have worked the shard) and after a batch rolls back (the memory may
 * hold changes the database never got).
 */
final class ShardHolds {
    private final String partner;
    private final int shard;
    private final Map<String, List<String>> waiting = new HashMap<>();
    /** When each dossier's first waiting work is due again (epoch millis), when this consumer re-queued it. */
    private final Map<String, Long> dueAt = new HashMap<>();
    private long lastPosition;

    ShardHolds(String partner, int shard) {
        this.partner = partner;
        this.shard = shard;
    }

    void load(JdbcTemplate jdbc) {
        waiting.clear();
        dueAt.clear();
        jdbc.query("SELECT dossier_code, work_id, position FROM work_hold WHERE partner = ? AND shard = ? ORDER BY dossier_code, position",
                rs -> {
                    waiting.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                    lastPosition = Math.max(lastPosition, rs.getLong(3));
                }, partner, shard);
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    /** True when the dossier has earlier work waiting that this work must not overtake. */
    boolean mustWait(String dossier, String workId) {
        if (dossier == null) return false;
        List<String> queue = waiting.get(dossier);
        return queue != null && !queue.isEmpty() && !queue.get(0).equals(workId);
    }

    boolean isHeld(String dossier, String workId) {
        List<String> queue = dossier == null ? null : waiting.get(dossier);
        return queue != null && queue.contains(workId);
    }

    /** The work it waits for (the dossier's first waiting work). */
    String first(String dossier) {
        List<String> queue = waiting.get(dossier);
        return queue == null || queue.isEmpty() ? null : queue.get(0);
    }

    /** Its place in the dossier's line (0 = runs next). */
    int positionOf(String dossier, String workId) {
        List<String> queue = waiting.get(dossier);
        return queue == null ? -1 : queue.indexOf(workId);
    }

    /**
     * Puts the work at the end of its dossier's line, unless it is there already; returns the statement that
     * records it, or null when nothing changed.
     */
    AuditLog.Companion hold(String dossier, String workId, String reason) {
        if (dossier == null) return null;
        List<String> queue = waiting.computeIfAbsent(dossier, k -> new ArrayList<>());
        if (queue.contains(workId)) return null;
        queue.add(workId);
        return new AuditLog.Companion("INSERT INTO work_hold (partner, shard, dossier_code, work_id, position, reason)"
                + " VALUES (?,?,?,?,?,?) ON CONFLICT (partner, work_id) DO NOTHING",
                new Object[] {partner, shard, dossier, workId, nextPosition(), reason});
    }

    /** Removes finished work (completed or dead-lettered) from its dossier's line; null when it was not held. */
    AuditLog.Companion release(String dossier, String workId) {
        List<String> queue = dossier == null ? null : waiting.get(dossier);
        if (queue == null || !queue.remove(workId)) return null;
        if (queue.isEmpty()) {
            waiting.remove(dossier);
            dueAt.remove(dossier);
        } else {
            dueAt.remove(dossier); // the next in line has its own time
        }
        return new AuditLog.Companion("DELETE FROM work_hold WHERE partner = ? AND work_id = ?", new Object[] {partner, workId});
    }

    void dueAt(String dossier, long epochMillis) {
        dueAt.put(dossier, epochMillis);
    }

    /**
     * How long work waiting behind others should stay away: until shortly after the work it waits for is due
     * again, in its place in the line (a few milliseconds apart), or {@code fallbackMillis} when that is unknown.
     */
    long delayFor(String dossier, String workId, long fallbackMillis, long now) {
        Long due = dueAt.get(dossier);
        long base = due == null ? fallbackMillis : Math.max(due - now, 0);
        return base + 50L + 10L * Math.max(positionOf(dossier, workId), 0);
    }

    /**
     * Rows are read back in the order of their positions: a position grows with the clock (microseconds) and never
     * repeats within the shard, so rows written by an earlier consumer of the shard (another instance, before a
     * restart) come before the rows written now.
     */
    private long nextPosition() {
        lastPosition = Math.max(lastPosition + 1, System.currentTimeMillis() * 1000);
        return lastPosition;
    }
}
