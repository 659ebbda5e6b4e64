package vn.gov.lgsp.connector.vietinbank;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.connector.vietinbank.VietinbankReply.Code;
import vn.gov.lgsp.hub.model.DossierUpdate;
import vn.gov.lgsp.hub.payments.DossierPayments;
import vn.gov.lgsp.hub.work.DossierUpdates;

/**
 * Applies one bank transaction to its payment request. Must run inside the caller's database transaction:
 * the payment, its dedupe record (vtb_transaction, unique transId and custCode) and the PAYMENT_CONFIRMED
 * outbox row (and the hub's record of the payment, dossier_payment) commit together or not at all. Rejections are recorded in vtb_payment_exception in the same
 * transaction, and change nothing else.
 */
@Component
public class PaymentApplier {
    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final DossierPayments payments;

    public PaymentApplier(JdbcTemplate jdbc, ObjectMapper json, DossierPayments payments) {
        this.jdbc = jdbc;
        this.json = json;
        this.payments = payments;
    }

    /** A bank transaction, from an IPN or a statement line. */
    public record Txn(String transId, String custCode, long amount, OffsetDateTime transTime, String bankTransId) {}

    /** What happened; dossierCode/owed are null when the code is unknown. */
    public record Result(Code code, String dossierCode, Long owed, String detail) {}

    public Result apply(Txn t, String source) {
        // the row lock serialises every notification for one payment code (concurrent duplicates included)
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT dossier_code, amount, status, expires_at, paid_trans_id, fees"
                + " FROM vtb_payment_request WHERE cust_code = ? FOR UPDATE", t.custCode());
        List<String> applied = jdbc.queryForList("SELECT cust_code FROM vtb_transaction WHERE trans_id = ?", String.class, t.transId());
        if (!applied.isEmpty()) {
            String d = applied.get(0).equals(t.custCode()) ? "already applied" : "transId already applied to another payment code";
            return new Result(Code.DUPLICATE, null, null, d);
        }
        if (rows.isEmpty()) return reject(t, source, Code.UNKNOWN_CODE, "UNKNOWN_CODE", null, null, "no such payment code");
        Map<String, Object> r = rows.get(0);
        String dossier = (String) r.get("dossier_code");
        long owed = ((Number) r.get("amount")).longValue();
        String status = (String) r.get("status");
        if ("PAID".equals(status)) {
            return reject(t, source, Code.ALREADY_PAID, "ALREADY_PAID", dossier, owed,
                    "already paid by transaction " + r.get("paid_trans_id") + ": refund or settle manually");
        }
        OffsetDateTime expires = ((Timestamp) r.get("expires_at")).toInstant().atOffset(t.transTime().getOffset());
        if ("REPLACED".equals(status)) return reject(t, source, Code.EXPIRED, "EXPIRED", dossier, owed, "payment code was replaced by a re-assessment");
        // the bank's transaction time decides, so a payment made in time but notified late is still accepted
        if (t.transTime().isAfter(expires)) return reject(t, source, Code.EXPIRED, "EXPIRED", dossier, owed, "paid after the code expired at " + expires);
        if (t.amount() != owed) {
            String kind = t.amount() > owed ? "OVERPAID" : "UNDERPAID";
            return reject(t, source, Code.WRONG_AMOUNT, kind, dossier, owed, kind.toLowerCase() + " by " + Math.abs(t.amount() - owed) + " VND");
        }
        int inserted = jdbc.update("INSERT INTO vtb_transaction (trans_id, cust_code, dossier_code, amount, trans_time, bank_trans_id, applied_by)"
                + " VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING", t.transId(), t.custCode(), dossier, t.amount(),
                Timestamp.from(t.transTime().toInstant()), t.bankTransId(), source);
        if (inserted == 0) return new Result(Code.DUPLICATE, dossier, owed, "already applied"); // the unique keys have the last word
        jdbc.update("UPDATE vtb_payment_request SET status = 'PAID', paid_trans_id = ?, paid_at = now() WHERE cust_code = ?",
                t.transId(), t.custCode());
        DossierUpdate u = paymentConfirmed(t, dossier, source, (String) r.get("fees"), json);
        payments.record(u); // the hub's record of the payment (VNPost's cash on delivery reads it), same transaction
        try {
            jdbc.update("INSERT INTO vtb_update_outbox (update_id, dossier_code, update_json) VALUES (?,?,?)",
                    u.updateId(), dossier, json.writeValueAsString(u));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new Result(Code.ACCEPTED, dossier, owed, "applied by " + source.toLowerCase());
    }

    /**
     * The PAYMENT_CONFIRMED update of an applied transaction: the contract's detail (connectors/onestop/contract,
     * $defs/paymentConfirmed), with the fees the payment settles.
     */
    public static DossierUpdate paymentConfirmed(Txn t, String dossier, String source, String feesJson, ObjectMapper json) {
        ObjectNode detail = json.createObjectNode();
        detail.put("custCode", t.custCode());
        detail.put("transId", t.transId());
        detail.put("bankTransId", t.bankTransId());
        detail.put("amount", t.amount());
        detail.put("currency", "VND");
        detail.put("paidAt", t.transTime().toString());
        detail.put("appliedBy", source);
        try {
            detail.set("fees", json.readTree(feesJson));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("unreadable fees of payment code " + t.custCode(), e);
        }
        return DossierUpdates.of("vietinbank:" + t.transId(), dossier, "PAYMENT_CONFIRMED", PaymentRequests.PARTNER, detail);
    }

    private Result reject(Txn t, String source, Code code, String kind, String dossier, Long owed, String detail) {
        recordException(t.transId(), t.custCode(), dossier, t.amount(), owed, kind, code.code, source, detail);
        return new Result(code, dossier, owed, detail);
    }

    public void recordException(String transId, String custCode, String dossier, Long amount, Long owed, String kind,
                                String replyCode, String source, String detail) {
        jdbc.update("INSERT INTO vtb_payment_exception (trans_id, cust_code, dossier_code, amount, owed, kind, reply_code, source, detail)"
                + " VALUES (?,?,?,?,?,?,?,?,?)", trunc(transId, 64), trunc(custCode, 20), dossier, amount, owed, kind, replyCode, source, detail);
    }

    static String trunc(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
