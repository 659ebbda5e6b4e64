package vn.gov.lgsp.connector.tax;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import vn.gov.lgsp.hub.model.DossierUpdate;
import vn.gov.lgsp.hub.work.DossierUpdates;

/**
 * Publishes the updates written to tax_update_outbox with the answers they report (TAX_NOTICE_ISSUED,
 * TAX_DECLARATION_REJECTED): rows claimed FOR UPDATE SKIP LOCKED, handed to the core (the one-stop queue, and the
 * partner work routes/update-*.yaml plan for them, e.g. a VietinBank payment code; the broker commits first), then
 * marked sent. A crash in between publishes a row again under the same updateId.
 */
@Component
public class TaxUpdateRelay {
    private static final Logger log = LoggerFactory.getLogger(TaxUpdateRelay.class);
    private static final int BATCH = 100;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final DossierUpdates updates;
    private final TaxProperties props;
    private final ObjectMapper json;
    private final Semaphore wakeUp = new Semaphore(0);
    private volatile boolean running = true;
    private Thread thread;

    public TaxUpdateRelay(JdbcTemplate jdbc, TransactionTemplate tx, DossierUpdates updates, TaxProperties props, ObjectMapper json) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.updates = updates;
        this.props = props;
        this.json = json;
    }

    @PostConstruct
    void start() {
        thread = new Thread(this::loop, "tax-outbox");
        thread.setDaemon(true);
        thread.start();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        wakeUp.release();
        thread.join(10_000);
    }

    /** An answer committed: publish without waiting for the next tick. */
    public void wake() {
        if (wakeUp.availablePermits() == 0) wakeUp.release();
    }

    private void loop() {
        while (running) {
            try {
                if (relayOnce() < BATCH) {
                    wakeUp.tryAcquire(props.getRelayInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wakeUp.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("tax outbox relay failed: {}", e.toString()); // rows stay pending: next tick
                try {
                    TimeUnit.MILLISECONDS.sleep(props.getRelayInterval().toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    public int relayOnce() {
        Integer n = tx.execute(s -> {
            List<Map<String, Object>> rows = jdbc.queryForList("SELECT id, update_json FROM tax_update_outbox"
                    + " WHERE sent_at IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED", BATCH);
            if (rows.isEmpty()) return 0;
            List<DossierUpdate> batch = new ArrayList<>();
            List<Object[]> ids = new ArrayList<>();
            for (Map<String, Object> r : rows) {
                try {
                    batch.add(json.readValue((String) r.get("update_json"), DossierUpdate.class));
                } catch (Exception e) {
                    throw new IllegalStateException("unreadable tax outbox row " + r.get("id"), e);
                }
                ids.add(new Object[] {r.get("id")});
            }
            updates.publish(batch);
            jdbc.batchUpdate("UPDATE tax_update_outbox SET sent_at = now() WHERE id = ?", ids);
            return rows.size();
        });
        return n == null ? 0 : n;
    }
}
