package vn.gov.lgsp.connector.vietinbank;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import vn.gov.lgsp.connector.vietinbank.PaymentApplier.Result;
import vn.gov.lgsp.connector.vietinbank.PaymentApplier.Txn;
import vn.gov.lgsp.connector.vietinbank.VietinbankReply.Code;
import vn.gov.lgsp.hub.audit.AuditEntry;
import vn.gov.lgsp.hub.audit.AuditLog;
import vn.gov.lgsp.hub.work.DossierUpdates;

/**
 * Handles the bank's payment notifications (IPN): verify, apply, reply. The decision, the payment, its dedupe
 * record, the PAYMENT_CONFIRMED outbox row and the audit records of the notification and of the signed reply
 * are committed in ONE database transaction before the reply leaves: if the hub dies after the commit, the
 * bank's retry finds the transId applied and gets "05"; if it dies before, nothing happened and the retry
 * applies it.
 */
@Component
public class PaymentNotifications {
    private static final Logger log = LoggerFactory.getLogger(PaymentNotifications.class);
    public static final String IPN = "PAYMENT_NOTIFICATION";
    public static final String REPLY = "PAYMENT_NOTIFICATION_REPLY";
    static final DateTimeFormatter TRANS_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    private static final Pattern AMOUNT = Pattern.compile("\\d{1,15}");
    private static final String DEBIT = "D";

    private final TransactionTemplate tx;
    private final PaymentApplier applier;
    private final AuditLog audit;
    private final VietinbankKeys keys;
    private final VietinbankProperties props;
    private final UpdateOutboxRelay relay;
    private final ObjectMapper json;

    public PaymentNotifications(TransactionTemplate tx, PaymentApplier applier, AuditLog audit, VietinbankKeys keys,
                                VietinbankProperties props, UpdateOutboxRelay relay, ObjectMapper json) {
        this.tx = tx;
        this.applier = applier;
        this.audit = audit;
        this.keys = keys;
        this.props = props;
        this.relay = relay;
        this.json = json;
    }

    private record Handled(VietinbankReply reply, List<AuditEntry> audit) {}

    public VietinbankReply handle(String body) {
        long started = System.nanoTime();
        VietinbankNotification n;
        try {
            n = json.readValue(body, VietinbankNotification.class);
        } catch (Exception e) {
            n = null;
        }
        VietinbankNotification ipn = n;
        String transId = ipn == null ? "" : nz(ipn.transId());
        try {
            Handled h = tx.execute(s -> decide(ipn, body, started));
            audit.count(h.audit());
            if (Code.ACCEPTED.code.equals(h.reply().errorCode())) relay.wake();
            log.info("vietinbank IPN transId={} custCode={} -> {}", transId, ipn == null ? null : ipn.custCode(), h.reply().errorCode());
            return h.reply();
        } catch (RuntimeException e) {
            // nothing was committed: "99" asks the bank to retry later
            log.error("vietinbank IPN transId={} failed: {}", transId, e.toString());
            VietinbankReply reply = reply(transId, Code.ERROR);
            try {
                audit.record(AuditEntry.out(PaymentRequests.PARTNER, null, REPLY, Code.ERROR.name(), elapsed(started),
                        PaymentApplier.storable(transId), toJson(reply), "not applied: " + e.getMessage()));
            } catch (RuntimeException auditDown) {
                log.error("vietinbank IPN transId={}: audit of the error reply failed too", transId);
            }
            return reply;
        }
    }

    private Handled decide(VietinbankNotification n, String body, long started) {
        Result r;
        String transId = n == null ? "" : nz(n.transId());
        if (n == null) {
            r = new Result(Code.INVALID, null, null, "malformed JSON");
            applier.recordException(null, null, null, null, null, "INVALID", Code.INVALID.code, "IPN", r.detail());
        } else if (!VietinbankSignatures.verify(VietinbankSignatures.ipnSigningString(n), n.signature(), keys.bankPublicKey())) {
            // a forged or corrupted notification: nothing in it is trusted, not even the payment code
            r = new Result(Code.BAD_SIGNATURE, null, null, "signature does not verify with the bank's key");
            applier.recordException(n.transId(), n.custCode(), null, parseAmount(n.amount()), null, "BAD_SIGNATURE",
                    Code.BAD_SIGNATURE.code, "IPN", r.detail());
        } else {
            String invalid = invalid(n);
            if (invalid != null) {
                r = new Result(Code.INVALID, null, null, invalid);
                applier.recordException(n.transId(), n.custCode(), null, parseAmount(n.amount()), null, "INVALID",
                        Code.INVALID.code, "IPN", invalid);
            } else {
                Txn t = new Txn(n.transId(), n.custCode(), Long.parseLong(n.amount()), transTime(n.transTime()), n.bankTransId());
                // a debit is money leaving the account (a reversal or refund), never a payment of the code it names;
                // the other types the spec lists (C/O/1/2/COLLECTION/3) are not defined further and stay accepted
                r = DEBIT.equalsIgnoreCase(nz(n.transType()).trim())
                        ? applier.refuse(t, "IPN", Code.DEBIT, "DEBIT", "debit (transType D) is not a payment")
                        : applier.apply(t, "IPN");
            }
        }
        VietinbankReply reply = reply(transId, r.code());
        String payload = n == null ? body : toJson(n.masked());
        String correlation = PaymentApplier.storable(transId); // the reply echoes the bank's transId as sent
        List<AuditEntry> entries = List.of(
                new AuditEntry(AuditEntry.Direction.IN, PaymentRequests.PARTNER, r.dossierCode(), IPN, r.code().name(), null,
                        correlation, payload, r.detail()),
                AuditEntry.out(PaymentRequests.PARTNER, r.dossierCode(), REPLY, r.code().name(), elapsed(started), correlation,
                        toJson(reply), "errorCode " + r.code().code));
        // last statement of the transaction: the audit chain lock is held only until the commit
        audit.appendInCurrentTransaction(entries);
        return new Handled(reply, entries);
    }

    private String invalid(VietinbankNotification n) {
        String ids = PaymentApplier.invalidIds(n.transId(), n.custCode(), n.bankTransId());
        if (ids != null) return ids;
        if (n.amount() == null || !AMOUNT.matcher(n.amount()).matches()) return "amount must be an integer number of VND";
        if (!"VND".equals(n.currencyCode())) return "currency must be VND";
        if (!blank(n.providerId()) && !n.providerId().equals(props.getProviderId())) return "providerId is not the hub's";
        try {
            transTime(n.transTime());
        } catch (RuntimeException e) {
            return "transTime must be yyyyMMddHHmmss";
        }
        return null;
    }

    /** The bank's times are Vietnam local time. */
    static OffsetDateTime transTime(String s) {
        if (s == null) throw new DateTimeParseException("missing", "", 0);
        return LocalDateTime.parse(s, TRANS_TIME).atZone(DossierUpdates.VIETNAM).toOffsetDateTime();
    }

    public VietinbankReply reply(String transId, Code code) {
        String sig = VietinbankSignatures.sign(VietinbankSignatures.replySigningString(transId, code.code, code.desc), keys.hubPrivateKey());
        return new VietinbankReply(transId, code.code, code.desc, sig);
    }

    private static Long parseAmount(String s) {
        return s != null && AMOUNT.matcher(s).matches() ? Long.parseLong(s) : null;
    }

    private String toJson(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long elapsed(long started) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
