package vn.gov.lgsp.connector.vietinbank;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import vn.gov.lgsp.hub.work.DossierUpdates;
import vn.gov.lgsp.hub.work.UpdateOutbox;

/** Publishes the PAYMENT_CONFIRMED updates the payment transaction writes to vtb_update_outbox ({@link UpdateOutbox}). */
@Component
public class UpdateOutboxRelay {
    private final UpdateOutbox outbox;

    public UpdateOutboxRelay(JdbcTemplate jdbc, TransactionTemplate tx, DossierUpdates updates,
                             VietinbankProperties props, ObjectMapper json) {
        this.outbox = new UpdateOutbox("vtb_update_outbox", "vietinbank-outbox", jdbc, tx, updates, json,
                props.getOutboxBatch(), props::getOutboxInterval);
    }

    @PostConstruct
    void start() {
        outbox.start();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        outbox.stop();
    }

    /** A payment committed: publish without waiting for the next tick. */
    public void wake() {
        outbox.wake();
    }

    /** Publishes one batch of pending rows; returns how many. */
    public int relayOnce() {
        return outbox.relayOnce();
    }
}
