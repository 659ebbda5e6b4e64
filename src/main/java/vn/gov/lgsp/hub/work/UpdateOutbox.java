package vn.gov.lgsp.hub.work;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import vn.gov.lgsp.hub.model.DossierUpdate;

/**
 * A connector's transactional outbox of dossier updates: the connector writes an update row (columns {@code id},
 * {@code update_json}, {@code sent_at}) in the same database transaction as what it reports (a payment applied, a tax
 * notice recorded), and this relay publishes the pending rows through {@link DossierUpdates#publish} (the one-stop
 * queue and the partner work the update routes plan; the broker commits first), then marks them sent. Rows are
 * claimed FOR UPDATE SKIP LOCKED, so instances of the cluster never publish the same row at once; a crash between
 * the broker commit and the database commit publishes a row again under the same updateId, which the one-stop work
 * completes once and the one-stop system drops anyway. A database or broker outage leaves the rows pending: they
 * are tried again on the next tick.
 *
 * <p>A connector's relay is a bean of its own class extending this one with its table, so the parts of the connector
 * that {@link #wake} it inject the relay of their own connector; the relay's thread starts and stops with the bean.
 */
public abstract class UpdateOutbox {
    private static final Logger log = LoggerFactory.getLogger(UpdateOutbox.class);

    private final String table;
    private final String name;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final DossierUpdates updates;
    private final ObjectMapper json;
    private final int batch;
    private final Supplier<Duration> interval;
    private final Semaphore wakeUp = new Semaphore(0);
    private volatile boolean running = true;
    private Thread thread;

    /**
     * @param table    the connector's outbox table (a constant of the connector, never input)
     * @param name     the relay's thread name, e.g. "vietinbank-outbox"
     * @param interval how long the relay waits for a {@link #wake} before looking again
     */
    protected UpdateOutbox(String table, String name, JdbcTemplate jdbc, TransactionTemplate tx, DossierUpdates updates,
                          ObjectMapper json, int batch, Supplier<Duration> interval) {
        this.table = table;
        this.name = name;
        this.jdbc = jdbc;
        this.tx = tx;
        this.updates = updates;
        this.json = json;
        this.batch = batch;
        this.interval = interval;
    }

    @PostConstruct
    void start() {
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        wakeUp.release();
        if (thread != null) thread.join(10_000);
    }

    /** Something was just written to the outbox: publish without waiting for the next tick. */
    public void wake() {
        if (wakeUp.availablePermits() == 0) wakeUp.release();
    }

    private void loop() {
        while (running) {
            try {
                if (relayOnce() < batch) {
                    wakeUp.tryAcquire(interval.get().toMillis(), TimeUnit.MILLISECONDS);
                    wakeUp.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("{} relay failed: {}", name, e.toString()); // the rows stay pending: next tick
                try {
                    TimeUnit.MILLISECONDS.sleep(interval.get().toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Publishes one batch of pending rows; returns how many. */
    public int relayOnce() {
        Integer n = tx.execute(s -> {
            List<Map<String, Object>> rows = jdbc.queryForList("SELECT id, update_json FROM " + table
                    + " WHERE sent_at IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED", batch);
            if (rows.isEmpty()) return 0;
            List<DossierUpdate> pending = new ArrayList<>(rows.size());
            List<Object[]> ids = new ArrayList<>(rows.size());
            for (Map<String, Object> r : rows) {
                try {
                    pending.add(json.readValue((String) r.get("update_json"), DossierUpdate.class));
                } catch (Exception e) {
                    throw new IllegalStateException("unreadable " + table + " row " + r.get("id"), e);
                }
                ids.add(new Object[] {r.get("id")});
            }
            updates.publish(pending);
            jdbc.batchUpdate("UPDATE " + table + " SET sent_at = now() WHERE id = ?", ids);
            return rows.size();
        });
        return n == null ? 0 : n;
    }
}
