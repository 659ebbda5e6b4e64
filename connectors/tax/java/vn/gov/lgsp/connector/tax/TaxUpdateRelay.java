package vn.gov.lgsp.connector.tax;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import vn.gov.lgsp.hub.work.DossierUpdates;
import vn.gov.lgsp.hub.work.UpdateOutbox;

/**
 * Publishes the updates written to tax_update_outbox with the answers they report (TAX_NOTICE_RECEIVED,
 * TAX_DECLARATION_REJECTED), through the core's {@link UpdateOutbox}: the one-stop queue, and the partner work
 * routes/update-*.yaml plan for them (a VietinBank payment code for a notice). {@link TaxAnswers} wakes it when an
 * answer is committed.
 */
@Component
public class TaxUpdateRelay extends UpdateOutbox {
    public TaxUpdateRelay(JdbcTemplate jdbc, TransactionTemplate tx, DossierUpdates updates, TaxProperties props, ObjectMapper json) {
        super("tax_update_outbox", "tax-outbox", jdbc, tx, updates, json, 100, props::getRelayInterval);
    }
}
