package vn.gov.lgsp.hub.payments;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.model.Dossier;
import vn.gov.lgsp.hub.model.DossierUpdate;
import vn.gov.lgsp.hub.work.UpdateContract;

/**
 * The hub's record of the payments confirmed for each dossier (table dossier_payment), so that one connector can
 * take another's payments into account without importing it: VNPost collects on delivery only what is still unpaid
 * after the payments VietinBank confirmed.
 *
 * <p>Why a core table written with the payment, rather than reading the PAYMENT_CONFIRMED updates back: the payment
 * connector writes the row in the very transaction that applies the bank's notification (the same transaction that
 * writes its outbox row), so the record exists the moment the payment does; the published update reaches the
 * one-stop system (and a RESULT_READY event marking the fee paid) only later, through the outbox relay and Kafka.
 * The row is made from the PAYMENT_CONFIRMED update itself (its contract: custCode, amount, paidAt, fees), so any
 * future payment connector records its payments the same way.
 */
@Component
public class DossierPayments {
    private final JdbcTemplate jdbc;
    private final com.fasterxml.jackson.databind.ObjectMapper json;

    public DossierPayments(JdbcTemplate jdbc, com.fasterxml.jackson.databind.ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * Records a confirmed payment, once per update (a repeat is ignored). Call it inside the transaction that
     * applies the payment.
     */
    public void record(DossierUpdate confirmed) {
        if (!"PAYMENT_CONFIRMED".equals(confirmed.updateType())) {
            throw new IllegalArgumentException("not a PAYMENT_CONFIRMED update: " + confirmed.updateType());
        }
        UpdateContract.check(confirmed);
        JsonNode d = confirmed.detail();
        jdbc.update("INSERT INTO dossier_payment (update_id, dossier_code, source, payment_code, amount, fees, paid_at)"
                        + " VALUES (?,?,?,?,?,?,?) ON CONFLICT (update_id) DO NOTHING",
                confirmed.updateId(), confirmed.dossierCode(), confirmed.source(), d.path("custCode").asText(),
                d.path("amount").asLong(), d.path("fees").toString(),
                Timestamp.from(OffsetDateTime.parse(d.path("paidAt").asText()).toInstant()));
    }

    /** Per fee code, the VND the recorded payments of the dossier settled. */
    public Map<String, Long> settledByFee(String dossierCode) {
        Map<String, Long> settled = new HashMap<>();
        for (String fees : jdbc.queryForList("SELECT fees FROM dossier_payment WHERE dossier_code = ?", String.class, dossierCode)) {
            try {
                for (JsonNode f : json.readTree(fees)) settled.merge(f.path("code").asText(), f.path("amount").asLong(), Long::sum);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("unreadable dossier_payment fees of " + dossierCode, e);
            }
        }
        return settled;
    }

    /**
     * What the citizen still owes: the fees not marked paid by the one-stop system, less what the recorded payments
     * settled for the same fee code (a fee raised after it was paid still owes the difference).
     */
    public static long outstanding(List<Dossier.Fee> fees, Map<String, Long> settledByFee) {
        if (fees == null) return 0;
        Map<String, Long> left = new HashMap<>(settledByFee);
        long owed = 0;
        for (Dossier.Fee f : fees) {
            if (f.paid()) continue;
            long settled = Math.min(f.amount(), left.getOrDefault(f.code(), 0L));
            if (settled > 0) left.merge(f.code(), -settled, Long::sum);
            owed += f.amount() - settled;
        }
        return owed;
    }
}
