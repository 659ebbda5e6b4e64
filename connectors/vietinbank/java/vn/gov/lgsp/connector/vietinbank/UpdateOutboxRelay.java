package vn.gov.lgsp.connector.vietinbank;

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
 * Publishes the PAYMENT_CONFIRMED updates written to vtb_update_outbox by the payment transaction. Rows are
 * claimed with FOR UPDATE SKIP LOCKED (one relay at a time per row across hub instances), handed to the core's
 * DossierUpdates (the broker commits first), then marked sent. A crash in between publishes the row again with
 * the same updateId, which the one-stop work queue completes once and the one-stop system drops anyway.
 */
@Component
public class UpdateOutboxRelay {
    private static final Logger log = LoggerFactory.getLogger(UpdateOutboxRelay.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final DossierUpdates updates;
    private final VietinbankProperties props;
    private final ObjectMapper json;
    private final Semaphore wakeUp = new Semaphore(0);
    private volatile boolean running = true;
    private Thread thread;

    public UpdateOutboxRelay(JdbcTemplate jdbc, TransactionTemplate tx, DossierUpdates updates,
                             VietinbankProperties props, ObjectMapper json) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.updates = updates;
        this.props = props;
        this.json = json;
    }

    @PostConstruct
    void start() {
        thread = new Thread(this::loop, "vietinbank-outbox");
        thread.setDaemon(true);
        thread.start();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        wakeUp.release();
        thread.join(10_000);
    }

    /** A payment committed: publish without waiting for the next tick. */
    public void wake() {
        if (wakeUp.availablePermits() == 0) wakeUp.release();
    }

    private void loop() {
        while (running) {
            try {
                int sent = relayOnce();
                if (sent < props.getOutboxBatch()) {
                    wakeUp.tryAcquire(props.getOutboxInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wakeUp.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // database or broker down: the rows stay pending and are tried again on the next tick
                log.warn("vietinbank outbox relay failed: {}", e.toString());
                try {
                    TimeUnit.MILLISECONDS.sleep(props.getOutboxInterval().toMillis());
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
            List<Map<String, Object>> rows = jdbc.queryForList("SELECT id, update_json FROM vtb_update_outbox"
                    + " WHERE sent_at IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED", props.getOutboxBatch());
            if (rows.isEmpty()) return 0;
            List<DossierUpdate> batch = new ArrayList<>(rows.size());
            List<Object[]> ids = new ArrayList<>(rows.size());
            for (Map<String, Object> r : rows) {
                try {
                    batch.add(json.readValue((String) r.get("update_json"), DossierUpdate.class));
                } catch (Exception e) {
                    throw new IllegalStateException("unreadable outbox row " + r.get("id"), e);
                }
                ids.add(new Object[] {r.get("id")});
            }
            updates.publish(batch);
            jdbc.batchUpdate("UPDATE vtb_update_outbox SET sent_at = now() WHERE id = ?", ids);
            return rows.size();
        });
        return n == null ? 0 : n;
    }
}
