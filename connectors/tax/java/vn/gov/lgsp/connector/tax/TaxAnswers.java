package vn.gov.lgsp.connector.tax;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Date;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.xml.datatype.XMLGregorianCalendar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import vn.gov.lgsp.connector.tax.edxml.EdXML;
import vn.gov.lgsp.connector.tax.wsdl.Notice;
import vn.gov.lgsp.connector.tax.wsdl.Rejection;
import vn.gov.lgsp.hub.audit.AuditEntry;
import vn.gov.lgsp.hub.audit.AuditLog;
import vn.gov.lgsp.hub.model.DossierUpdate;
import vn.gov.lgsp.hub.work.DossierUpdates;

/**
 * Applies the tax office's answer to a declaration (a tax notice or a rejection), whether it came as a callback or
 * as the answer to a state query: in ONE database transaction the declaration row (locked), the callback record,
 * the update for the one-stop system (outbox) and the audit record; then {@link TaxUpdateRelay} publishes it.
 * <ul>
 *   <li>the answer's edXML document must be authentic and answer this declaration ({@code ResponseFor.DocumentId});</li>
 *   <li>unknown DocumentId, or a dossier code or receipt number that is not the declaration's: refused, nothing changed;</li>
 *   <li>a value longer than its column, or a due date outside the years 1900..9999: refused before any statement;</li>
 *   <li>the same callback (CallbackId) again, or the same answer under another id: acknowledged, applied once;</li>
 *   <li>a different answer to an answered declaration, or a CallbackId used before for another answer: refused
 *       (CONFLICTING_ANSWER) for an operator to look at;</li>
 *   <li>an answer that arrives before the hub recorded the tax office's receipt, or after the declaration was marked
 *       overdue, is applied as any other.</li>
 * </ul>
 */
@Component
public class TaxAnswers {
    private static final Logger log = LoggerFactory.getLogger(TaxAnswers.class);
    public static final String PARTY = "tax";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final AuditLog audit;
    private final TaxUpdateRelay relay;
    private final TaxProperties props;
    private final ObjectMapper json;

    public TaxAnswers(JdbcTemplate jdbc, TransactionTemplate tx, AuditLog audit, TaxUpdateRelay relay, TaxProperties props, ObjectMapper json) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.audit = audit;
        this.relay = relay;
        this.props = props;
        this.json = json;
    }

    public enum Outcome { APPLIED, DUPLICATE }

    // the widths of the columns the answer is written to (V700__tax_declaration.sql): tax.wsdl sets no maximum, so a
    // longer value is refused here, naming the field, instead of failing the statement
    static final int ID_WIDTH = 80;         // callback_id, document_id
    static final int DOSSIER_WIDTH = 64;    // dossier_code
    static final int NUMBER_WIDTH = 64;     // receipt_number, notice_number, payment_reference
    static final int OFFICE_WIDTH = 40;     // tax_office_code
    // years a due date may have: PostgreSQL's DATE goes further, but a tax due outside these is a typing error
    static final int FIRST_YEAR = 1900;
    static final int LAST_YEAR = 9999;

    /** Why {@code value} does not fit a column of {@code width} characters, or null when it does. */
    static String tooLong(String field, String value, int width) {
        return value != null && value.codePointCount(0, value.length()) > width
                ? field + " is longer than " + width + " characters" : null;
    }

    /**
     * The due date as a LocalDate from its fields (its text is not always 10 characters: a year past 9999, a time
     * zone); refused when its year is outside {@link #FIRST_YEAR}..{@link #LAST_YEAR}.
     */
    static LocalDate dueDate(XMLGregorianCalendar d) throws Refused {
        if (d == null) throw new Refused("INVALID_DOCUMENT", "the notice has no DueDate");
        if (d.getEon() != null || d.getYear() < FIRST_YEAR || d.getYear() > LAST_YEAR) {
            throw new Refused("INVALID_DOCUMENT", "DueDate " + d.toXMLFormat() + " is not within the years " + FIRST_YEAR + ".." + LAST_YEAR);
        }
        try {
            return LocalDate.of(d.getYear(), d.getMonth(), d.getDay());
        } catch (DateTimeException e) {
            throw new Refused("INVALID_DOCUMENT", "DueDate " + d.toXMLFormat() + " is not a date");
        }
    }

    /** A refusal with its TaxFault code (INVALID_DOCUMENT, UNSIGNED, BAD_SIGNATURE, UNKNOWN_DECLARATION, CONFLICTING_ANSWER). */
    public static final class Refused extends Exception {
        private final String code;

        public Refused(String code, String message) {
            super(message);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /**
     * @param callbackId the tax office's message id (null for an answer fetched by a state query)
     * @param via        CALLBACK or STATE_QUERY
     */
    public Outcome apply(String callbackId, Notice notice, Rejection rejection, EdXML document, String via) throws Refused {
        if ((notice == null) == (rejection == null)) throw new Refused("INVALID_DOCUMENT", "an answer is a Notice or a Rejection");
        String documentId = notice != null ? notice.getDocumentId() : rejection.getDocumentId();
        String dossier = notice != null ? notice.getDossierCode() : rejection.getDossierCode();
        String kind = notice != null ? "NOTICE" : "REJECTION";
        String payload = describe(callbackId, notice, rejection);
        try {
            if (document == null) throw new Refused("INVALID_DOCUMENT", "the answer carries no edXML document");
            EdXml.validate(document);
            EdXml.verify(document, props.verifyKeyBytes());
            var header = document.getEdXMLEnvelope().getEdXMLHeader().getMessageHeader();
            if (header.getResponseFor() == null || !documentId.equals(header.getResponseFor().getDocumentId())) {
                throw new Refused("INVALID_DOCUMENT", "the edXML document's ResponseFor.DocumentId does not name declaration " + documentId);
            }
            if (notice != null && notice.getAmount() < 0) throw new Refused("INVALID_DOCUMENT", "a negative amount");
            String tooLong = firstTooLong(callbackId, notice, rejection);
            if (tooLong != null) throw new Refused("INVALID_DOCUMENT", tooLong);
            if (notice != null) dueDate(notice.getDueDate());
        } catch (EdXml.Invalid e) {
            refused(dossier, kind, callbackId, payload, e.getMessage());
            throw new Refused(e.code(), e.getMessage());
        } catch (Refused e) {
            refused(dossier, kind, callbackId, payload, e.getMessage());
            throw e;
        }
        List<AuditEntry> entries = new ArrayList<>();
        Outcome outcome;
        try {
            outcome = tx.execute(s -> {
                try {
                    return applyLocked(callbackId, notice, rejection, documentId, dossier, kind, via, payload, entries);
                } catch (Refused r) {
                    throw new RefusedInTx(r);
                }
            });
        } catch (RefusedInTx r) {
            refused(dossier, kind, callbackId, payload, r.refused.getMessage());
            throw r.refused;
        }
        audit.count(entries);
        if (outcome == Outcome.APPLIED) relay.wake();
        return outcome;
    }

    private static final class RefusedInTx extends RuntimeException {
        final Refused refused;

        RefusedInTx(Refused refused) {
            super(refused.getMessage(), null, false, false);
            this.refused = refused;
        }
    }

    private static String firstTooLong(String callbackId, Notice n, Rejection r) {
        List<String> why = new ArrayList<>();
        why.add(tooLong("CallbackId", callbackId, ID_WIDTH));
        if (n != null) {
            why.add(tooLong("DocumentId", n.getDocumentId(), ID_WIDTH));
            why.add(tooLong("DossierCode", n.getDossierCode(), DOSSIER_WIDTH));
            why.add(tooLong("ReceiptNumber", n.getReceiptNumber(), NUMBER_WIDTH));
            why.add(tooLong("NoticeNumber", n.getNoticeNumber(), NUMBER_WIDTH));
            why.add(tooLong("TaxOfficeCode", n.getTaxOfficeCode(), OFFICE_WIDTH));
            why.add(tooLong("PaymentReference", n.getPaymentReference(), NUMBER_WIDTH));
        } else {
            why.add(tooLong("DocumentId", r.getDocumentId(), ID_WIDTH));
            why.add(tooLong("DossierCode", r.getDossierCode(), DOSSIER_WIDTH));
            why.add(tooLong("ReceiptNumber", r.getReceiptNumber(), NUMBER_WIDTH));
            why.add(tooLong("TaxOfficeCode", r.getTaxOfficeCode(), OFFICE_WIDTH));
        }
        return why.stream().filter(Objects::nonNull).findFirst().orElse(null);
    }

    private Outcome applyLocked(String callbackId, Notice notice, Rejection rejection, String documentId, String dossier,
                                String kind, String via, String payload, List<AuditEntry> entries) throws Refused {
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT dossier_code, state, receipt_number, notice_number, tax_office_code,"
                + " amount, payment_reference, due_date, rejection_reasons FROM tax_declaration WHERE document_id = ? FOR UPDATE", documentId);
        if (rows.isEmpty()) throw new Refused("UNKNOWN_DECLARATION", "no declaration with DocumentId " + documentId + " was sent by this hub");
        Map<String, Object> row = rows.get(0);
        if (!dossier.equals(row.get("dossier_code"))) {
            throw new Refused("UNKNOWN_DECLARATION", "declaration " + documentId + " does not belong to dossier " + dossier);
        }
        // both the hub's declaration and the answer name the tax office's receipt (agencies.md); the first to come fills it in
        String receipt = notice != null ? notice.getReceiptNumber() : rejection.getReceiptNumber();
        if (row.get("receipt_number") != null && !row.get("receipt_number").equals(receipt)) {
            throw new Refused("UNKNOWN_DECLARATION", "declaration " + documentId + " has receipt number " + row.get("receipt_number")
                    + ", not " + receipt);
        }
        if (callbackId != null) {
            List<Map<String, Object>> seen = jdbc.queryForList("SELECT document_id, kind FROM tax_callback WHERE callback_id = ?", callbackId);
            if (!seen.isEmpty()) {
                // a repeat is the same answer; the office's message id reused for another one is not acknowledged as seen
                if (!documentId.equals(seen.get(0).get("document_id")) || !kind.equals(seen.get(0).get("kind"))
                        || !sameAsApplied(row, notice, rejection)) {
                    throw new Refused("CONFLICTING_ANSWER", "CallbackId " + callbackId + " was used before for another answer");
                }
                entries.add(AuditEntry.in(PARTY, dossier, "TAX_" + kind, "DUPLICATE", documentId, payload));
                audit.appendInCurrentTransaction(entries);
                return Outcome.DUPLICATE;
            }
        }
        String state = (String) row.get("state");
        if ("NOTICE_ISSUED".equals(state) || "REJECTED".equals(state)) {
            if (!sameAsApplied(row, notice, rejection)) {
                throw new Refused("CONFLICTING_ANSWER", "declaration " + documentId + " was already answered (" + state
                        + (row.get("notice_number") == null ? "" : " " + row.get("notice_number")) + ")");
            }
            if (callbackId != null) {
                jdbc.update("INSERT INTO tax_callback (callback_id, document_id, kind, outcome) VALUES (?,?,?, 'DUPLICATE')", callbackId, documentId, kind);
            }
            entries.add(AuditEntry.in(PARTY, dossier, "TAX_" + kind, "DUPLICATE", documentId, payload));
            audit.appendInCurrentTransaction(entries);
            return Outcome.DUPLICATE;
        }
        ObjectNode detail = json.createObjectNode();
        detail.put("documentId", documentId);
        DossierUpdate update;
        if (notice != null) {
            LocalDate due = dueDate(notice.getDueDate());
            jdbc.update("UPDATE tax_declaration SET state = 'NOTICE_ISSUED', answered_at = now(), answered_by = ?, callback_id = ?,"
                    + " receipt_number = COALESCE(receipt_number, ?), notice_number = ?, tax_office_code = ?, amount = ?,"
                    + " payment_reference = ?, due_date = ? WHERE document_id = ?", via, callbackId, notice.getReceiptNumber(),
                    notice.getNoticeNumber(), notice.getTaxOfficeCode(), notice.getAmount(), notice.getPaymentReference(),
                    Date.valueOf(due), documentId);
            detail.put("receiptNumber", notice.getReceiptNumber());
            detail.put("noticeNumber", notice.getNoticeNumber());
            detail.put("taxOfficeCode", notice.getTaxOfficeCode());
            detail.put("amount", notice.getAmount());
            detail.put("currency", "VND");
            detail.put("paymentReference", notice.getPaymentReference());
            detail.put("dueDate", due.toString());
            detail.put("answeredBy", via);
            update = DossierUpdates.of("tax:" + documentId + ":notice", dossier, "TAX_NOTICE_RECEIVED", PARTY, detail);
        } else {
            String reasons = reasonsJson(rejection);
            jdbc.update("UPDATE tax_declaration SET state = 'REJECTED', answered_at = now(), answered_by = ?, callback_id = ?,"
                    + " receipt_number = COALESCE(receipt_number, ?), tax_office_code = ?, rejection_reasons = ? WHERE document_id = ?",
                    via, callbackId, rejection.getReceiptNumber(), rejection.getTaxOfficeCode(), reasons, documentId);
            detail.put("receiptNumber", rejection.getReceiptNumber());
            detail.put("taxOfficeCode", rejection.getTaxOfficeCode());
            detail.set("reasons", json.valueToTree(rejection.getReason()));
            detail.put("answeredBy", via);
            update = DossierUpdates.of("tax:" + documentId + ":rejection", dossier, "TAX_DECLARATION_REJECTED", PARTY, detail);
        }
        if (callbackId != null) {
            jdbc.update("INSERT INTO tax_callback (callback_id, document_id, kind, outcome) VALUES (?,?,?, 'APPLIED')", callbackId, documentId, kind);
        }
        try {
            jdbc.update("INSERT INTO tax_update_outbox (update_json) VALUES (?)", json.writeValueAsString(update));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        entries.add(new AuditEntry(AuditEntry.Direction.IN, PARTY, dossier, "TAX_" + kind, "APPLIED", null, documentId, payload,
                "was " + state + (state.equals("OVERDUE") ? " (late answer)" : "") + ", via " + via));
        audit.appendInCurrentTransaction(entries);
        log.info("tax {} for declaration {} applied (via {})", kind.toLowerCase(), documentId, via);
        return Outcome.APPLIED;
    }

    /** Whether the answer is the one applied to the declaration (every value the hub keeps of it). */
    private boolean sameAsApplied(Map<String, Object> row, Notice notice, Rejection rejection) throws Refused {
        if (notice != null) {
            return "NOTICE_ISSUED".equals(row.get("state")) && notice.getNoticeNumber().equals(row.get("notice_number"))
                    && notice.getTaxOfficeCode().equals(row.get("tax_office_code"))
                    && row.get("amount") instanceof Number a && a.longValue() == notice.getAmount()
                    && notice.getPaymentReference().equals(row.get("payment_reference"))
                    && row.get("due_date") instanceof Date d && d.toLocalDate().equals(dueDate(notice.getDueDate()));
        }
        return "REJECTED".equals(row.get("state")) && rejection.getTaxOfficeCode().equals(row.get("tax_office_code"))
                && reasonsJson(rejection).equals(row.get("rejection_reasons"));
    }

    private String reasonsJson(Rejection rejection) {
        return json.valueToTree(rejection.getReason()).toString();
    }

    private void refused(String dossier, String kind, String callbackId, String payload, String reason) {
        audit.record(new AuditEntry(AuditEntry.Direction.IN, PARTY, dossier, "TAX_" + kind, "REFUSED", null, callbackId, payload, reason));
        log.warn("tax answer {} refused: {}", callbackId, reason);
    }

    private String describe(String callbackId, Notice n, Rejection r) {
        ObjectNode o = json.createObjectNode().put("callbackId", callbackId);
        if (n != null) {
            o.put("documentId", n.getDocumentId()).put("dossierCode", n.getDossierCode()).put("receiptNumber", n.getReceiptNumber())
                    .put("noticeNumber", n.getNoticeNumber()).put("amount", n.getAmount()).put("paymentReference", n.getPaymentReference())
                    .put("dueDate", n.getDueDate() == null ? null : n.getDueDate().toXMLFormat());
        } else if (r != null) {
            o.put("documentId", r.getDocumentId()).put("dossierCode", r.getDossierCode()).put("receiptNumber", r.getReceiptNumber());
            o.set("reasons", json.valueToTree(r.getReason()));
        }
        return o.toString();
    }
}
