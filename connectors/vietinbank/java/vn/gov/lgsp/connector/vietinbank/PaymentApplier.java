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
    /** Column widths of vtb_transaction / vtb_payment_exception (db/V400__payments.sql). */
    static final int TRANS_ID_MAX = 64;
    static final int CUST_CODE_MAX = 20;
    static final int BANK_TRANS_ID_MAX = 64;

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

    /**
     * Why the identifiers of a transaction (IPN or statement line) cannot be recorded, or null: they must be present,
     * fit their columns (a value too long would fail the insert, and as a database error the bank would be told "99"
     * for ever) and hold no control characters (PostgreSQL refuses NUL in text; no genuine id carries any).
     */
    static String invalidIds(String transId, String custCode, String bankTransId) {
        if (blank(transId) || transId.length() > TRANS_ID_MAX) return "transId missing or longer than " + TRANS_ID_MAX;
        if (blank(custCode) || custCode.length() > CUST_CODE_MAX) return "custCode missing or longer than " + CUST_CODE_MAX;
        if (bankTransId != null && bankTransId.length() > BANK_TRANS_ID_MAX) return "bankTransId longer than " + BANK_TRANS_ID_MAX;
        if (hasControl(transId) || hasControl(custCode) || hasControl(bankTransId)) {
            return "transId, custCode or bankTransId holds control characters";
        }
        return null;
    }

    public Result apply(Txn t, String source) {
        // the row lock serialises every notification for one payment code (concurrent duplicates included)
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT dossier_code, amount, status, expires_at, paid_trans_id, fees"
                + " FROM vtb_payment_request WHERE cust_code = ? FOR UPDATE", t.custCode());
        Result seen = alreadyApplied(t, source);
        if (seen != null) return seen;
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
        if (inserted == 0) {
            // the unique keys have the last word: a concurrent notification with this transId (for this or another
            // payment code) committed first; the insert waited for it, so it is visible now
            seen = alreadyApplied(t, source);
            return seen != null ? seen : new Result(Code.DUPLICATE, dossier, owed, "already applied");
        }
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

    /**
     * "05" only for a repeat of the applied transaction (same transId, payment code and amount): the bank takes
     * "05" as settled. The same transId with another code or amount is a different transaction, refused and kept
     * for operators. Null when the transId was never applied.
     */
    private Result alreadyApplied(Txn t, String source) {
        List<Map<String, Object>> applied = jdbc.queryForList("SELECT cust_code, amount, dossier_code FROM vtb_transaction WHERE trans_id = ?",
                t.transId());
        if (applied.isEmpty()) return null;
        Map<String, Object> a = applied.get(0);
        long amount = ((Number) a.get("amount")).longValue();
        if (t.custCode().equals(a.get("cust_code")) && t.amount() == amount) return new Result(Code.DUPLICATE, null, null, "already applied");
        return reject(t, source, Code.TRANS_ID_REUSED, "TRANS_ID_REUSED", null, null,
                "transId already applied to payment code " + a.get("cust_code") + " for " + amount + " VND");
    }

    /**
     * Refuses a transaction that is never a payment (a debit), recorded for operators with the request it names,
     * if any. Changes nothing else.
     */
    public Result refuse(Txn t, String source, Code code, String kind, String detail) {
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT dossier_code, amount FROM vtb_payment_request WHERE cust_code = ?", t.custCode());
        String dossier = rows.isEmpty() ? null : (String) rows.get(0).get("dossier_code");
        Long owed = rows.isEmpty() ? null : ((Number) rows.get(0).get("amount")).longValue();
        return reject(t, source, code, kind, dossier, owed, detail);
    }

    private Result reject(Txn t, String source, Code code, String kind, String dossier, Long owed, String detail) {
        recordException(t.transId(), t.custCode(), dossier, t.amount(), owed, kind, code.code, source, detail);
        return new Result(code, dossier, owed, detail);
    }

    public void recordException(String transId, String custCode, String dossier, Long amount, Long owed, String kind,
                                String replyCode, String source, String detail) {
        jdbc.update("INSERT INTO vtb_payment_exception (trans_id, cust_code, dossier_code, amount, owed, kind, reply_code, source, detail)"
                + " VALUES (?,?,?,?,?,?,?,?,?)", storable(trunc(transId, TRANS_ID_MAX)), storable(trunc(custCode, CUST_CODE_MAX)),
                dossier, amount, owed, kind, replyCode, source, storable(detail));
    }

    /**
     * PostgreSQL refuses NUL in text: a forged or broken notification's ids are kept with it shown as U+FFFD, so
     * recording the refusal cannot fail (and turn into a "99" with no record).
     */
    static String storable(String s) {
        return s == null || s.indexOf('\u0000') < 0 ? s : s.replace('\u0000', '\uFFFD');
    }

    static boolean hasControl(String s) {
        return s != null && s.chars().anyMatch(Character::isISOControl);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    static String trunc(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
