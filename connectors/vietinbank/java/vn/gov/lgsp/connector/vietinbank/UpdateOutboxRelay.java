package vn.gov.lgsp.connector.vietinbank;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import vn.gov.lgsp.hub.work.DossierUpdates;
import vn.gov.lgsp.hub.work.UpdateOutbox;

/**
 * Publishes the PAYMENT_CONFIRMED updates the payment transaction writes to vtb_update_outbox ({@link UpdateOutbox});
 * woken when a payment is committed.
 */
@Component
public class UpdateOutboxRelay extends UpdateOutbox {
    public UpdateOutboxRelay(JdbcTemplate jdbc, TransactionTemplate tx, DossierUpdates updates,
                             VietinbankProperties props, ObjectMapper json) {
        super("vtb_update_outbox", "vietinbank-outbox", jdbc, tx, updates, json,
                props.getOutboxBatch(), props::getOutboxInterval);
    }
}
