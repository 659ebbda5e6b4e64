package vn.gov.lgsp.connector.vietinbank;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import vn.gov.lgsp.hub.model.DossierUpdate;
import vn.gov.lgsp.hub.work.DossierUpdates;
import vn.gov.lgsp.hub.work.PartnerRejectedException;
import vn.gov.lgsp.hub.work.UpdateContract;
import vn.gov.lgsp.hub.work.Delivery;
import vn.gov.lgsp.hub.work.PartnerConnector;
import vn.gov.lgsp.hub.work.WorkBatch;
import vn.gov.lgsp.hub.work.WorkItem;

/**
 * FEE_ASSESSED work -> a payment request (payment code, amount, expiry, VietQR) and a PAYMENT_REQUESTED update.
 * Idempotent per (dossier, fee set): a redelivered work item finds its request and produces the same update.
 * The tax office's notice (a TAX_NOTICE_RECEIVED dossier update, routes/update-tax-notice-received.yaml; the update JSON
 * is the contract) becomes a payment request too, of purpose TAX: one fee "TAX-<noticeNumber>" of the notice's
 * amount, expiring at the end of its due date; it never replaces an open fee request (nor the other way round).
 */
@Component
public class PaymentRequests implements PartnerConnector {
    public static final String PARTNER = "vietinbank";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final VietinbankProperties props;
    private final ObjectMapper json;

    public PaymentRequests(JdbcTemplate jdbc, TransactionTemplate tx, VietinbankProperties props, ObjectMapper json) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.props = props;
        this.json = json;
    }

    /** The request as stored. */
    /** @param assessmentEventId the FEE_ASSESSED event that opened (or last reopened) the request */
    public record Request(String custCode, String dossierCode, long amount, String status, String qr,
                          OffsetDateTime expiresAt, String fees, String assessmentEventId) {}

    @Override
    public String partner() {
        return PARTNER;
    }

    /** Partner "vietinbank" work: a fee assessment or a tax notice becomes a payment request. */
    @Override
    public Delivery deliver(WorkItem work, WorkBatch batch) throws Exception {
        JsonNode event = json.readTree(work.body());
        String workId = work.workId();
        if ("TAX_NOTICE_RECEIVED".equals(event.path("updateType").asText())) return taxNotice(event, workId);
        String type = event.path("eventType").asText();
        JsonNode dossier = event.path("dossier");
        String dossierCode = dossier.path("code").asText(null);
        if (!"FEE_ASSESSED".equals(type) || dossierCode == null) return Delivery.skipped("not a fee assessment: " + type);
        JsonNode fees = event.path("detail").has("fees") ? event.path("detail").path("fees") : dossier.path("fees");
        ArrayNode unpaid = json.createArrayNode();
        long total = 0;
        for (JsonNode f : fees) {
            if (f.path("paid").asBoolean(false)) continue;
            long amount = f.path("amount").asLong(-1);
            // integer VND only: 75000.5 or a negative fee is a contract breach, not something to round
            if (!f.path("amount").canConvertToExactIntegral() || amount <= 0) {
                throw new PartnerRejectedException("FEE", "fee " + f.path("code").asText() + " has an invalid amount");
            }
            unpaid.add(f);
            total = Math.addExact(total, amount);
        }
        if (total == 0) return Delivery.skipped("no unpaid fee");
        long owed = total;
        String eventId = event.path("eventId").asText();
        Outcome o = tx.execute(s -> request(dossierCode, unpaid, owed, workId, eventId, "FEE", null));
        if (o.alreadyPaid()) return Delivery.skipped("fee set already paid with " + o.request().custCode());
        Request r = o.request();
        DossierUpdate update = paymentRequested(r, o.replaced(), props, json);
        JsonNode detail = update.detail();
        return Delivery.done("payment code " + r.custCode() + ", " + r.amount() + " VND"
                + (o.replaced().isEmpty() ? "" : ", replaces " + o.replaced())).withPayload(json.writeValueAsString(detail)).withUpdate(update);
    }

    /**
     * The PAYMENT_REQUESTED update of a request: its detail is the contract's (connectors/onestop/contract,
     * $defs/paymentRequested), which the zalo connector reads to tell the citizen the code, amount and QR link.
     * updateId names the assessment that opened the code, so a code reopened by a later assessment is a new fact.
     */
    public static DossierUpdate paymentRequested(Request r, List<String> replaced, VietinbankProperties props, ObjectMapper json) {
        ObjectNode detail = json.createObjectNode();
        detail.put("custCode", r.custCode());
        detail.put("amount", r.amount());
        detail.put("currency", "VND");
        detail.put("expiresAt", r.expiresAt().toString());
        detail.put("bank", "VietinBank");
        detail.put("bankBin", props.getBankBin());
        detail.put("account", props.qrAccount());
        detail.put("qr", r.qr());
        detail.put("qrUrl", props.qrLinkFor(r.custCode(), r.amount()));
        try {
            detail.set("fees", json.readTree(r.fees()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("unreadable fees of payment request " + r.custCode(), e);
        }
        if (!replaced.isEmpty()) {
            ArrayNode rep = detail.putArray("replaces");
            replaced.forEach(rep::add);
        }
        detail.put("assessmentEventId", r.assessmentEventId());
        return DossierUpdates.of("vietinbank:request:" + r.custCode() + ":" + r.assessmentEventId(), r.dossierCode(),
                "PAYMENT_REQUESTED", PARTNER, detail);
    }

    /** A TAX_NOTICE_RECEIVED update: the tax amount gets its own payment code. */
    private Delivery taxNotice(JsonNode update, String workId) throws Exception {
        String dossierCode = update.path("dossierCode").asText(null);
        JsonNode d = update.path("detail");
        long amount = d.path("amount").asLong(-1);
        String noticeNumber = d.path("noticeNumber").asText("");
        if (dossierCode == null || !d.path("amount").canConvertToExactIntegral() || amount <= 0 || noticeNumber.isBlank()) {
            throw new PartnerRejectedException("TAX", "tax notice without a positive integer amount or a notice number");
        }
        ArrayNode fees = json.createArrayNode();
        fees.addObject().put("code", "TAX-" + noticeNumber)
                .put("name", "Thuế, lệ phí trước bạ theo thông báo " + noticeNumber + " của " + d.path("taxOfficeCode").asText("cơ quan thuế"))
                .put("amount", amount).put("paid", false);
        OffsetDateTime expires = null;
        if (d.hasNonNull("dueDate")) {
            expires = java.time.LocalDate.parse(d.path("dueDate").asText()).atTime(23, 59, 59).atZone(DossierUpdates.VIETNAM).toOffsetDateTime();
        }
        OffsetDateTime expiry = expires;
        String assessment = update.path("updateId").asText(workId); // the tax notice's update opened it
        Outcome o = tx.execute(s -> request(dossierCode, fees, amount, workId, assessment, "TAX", expiry));
        if (o.alreadyPaid()) return Delivery.skipped("tax notice " + noticeNumber + " already paid with " + o.request().custCode());
        Request r = o.request();
        DossierUpdate requested = paymentRequested(r, o.replaced(), props, json);
        ObjectNode detail = (ObjectNode) requested.detail();
        detail.put("purpose", "TAX");
        detail.put("taxNoticeNumber", noticeNumber);
        if (d.hasNonNull("paymentReference")) detail.put("taxPaymentReference", d.path("paymentReference").asText());
        UpdateContract.check(requested); // the tax fields too
        return Delivery.done("payment code " + r.custCode() + " for tax notice " + noticeNumber + ", " + r.amount() + " VND")
                .withPayload(json.writeValueAsString(detail)).withUpdate(requested);
    }

    record Outcome(Request request, List<String> replaced, boolean alreadyPaid) {}

    /**
     * @param assessment what opened the request: the FEE_ASSESSED event, or the tax notice's update
     * @param purpose    FEE (the dossier's fees) or TAX (a tax notice): a dossier may have one open request of each
     * @param expiresAt  when the code stops being payable; null for the configured expiry
     */
    private Outcome request(String dossierCode, ArrayNode fees, long amount, String workId, String assessment, String purpose,
                            OffsetDateTime expiresAt) {
        // one dossier's requests change one at a time (the dossier's shard queue already orders them; this also covers replays)
        jdbc.queryForObject("SELECT pg_advisory_xact_lock(hashtext(?))", Object.class, "vietinbank:" + dossierCode);
        String feeSet = feeSetHash(fees);
        List<Request> same = jdbc.query("SELECT * FROM vtb_payment_request WHERE dossier_code = ? AND fee_set_hash = ?",
                (rs, i) -> row(rs), dossierCode, feeSet);
        if (!same.isEmpty() && "PAID".equals(same.get(0).status())) return new Outcome(same.get(0), List.of(), true);
        if (!same.isEmpty() && "OPEN".equals(same.get(0).status())) return new Outcome(same.get(0), List.of(), false);

        // OPEN requests never hold money (a payment moves a request to PAID atomically), so replacing them is safe
        List<String> replaced = jdbc.queryForList("UPDATE vtb_payment_request SET status = 'REPLACED'"
                + " WHERE dossier_code = ? AND purpose = ? AND status = 'OPEN' RETURNING cust_code", String.class, dossierCode, purpose);
        OffsetDateTime expires = expiresAt != null ? expiresAt : OffsetDateTime.now(DossierUpdates.VIETNAM).plus(props.getExpiry()).withNano(0);
        if (!same.isEmpty()) { // the assessment went back to an earlier, replaced fee set: reopen that code
            Request r = same.get(0);
            String qr = VietQr.build(props.getBankBin(), props.qrAccount(), r.amount(), r.custCode());
            jdbc.update("UPDATE vtb_payment_request SET status = 'OPEN', expires_at = ?, qr = ?, work_id = ?, assessment_event_id = ?"
                    + " WHERE cust_code = ?", Timestamp.from(expires.toInstant()), qr, workId, assessment, r.custCode());
            return new Outcome(new Request(r.custCode(), dossierCode, r.amount(), "OPEN", qr, expires, r.fees(), assessment), replaced, false);
        }
        long seq = jdbc.queryForObject("SELECT nextval('vtb_cust_code_seq')", Long.class);
        String custCode = String.format("LG%010d", seq);
        String qr = VietQr.build(props.getBankBin(), props.qrAccount(), amount, custCode);
        String feesJson = fees.toString();
        jdbc.update("INSERT INTO vtb_payment_request (cust_code, dossier_code, fee_set_hash, fees, amount, status, qr, expires_at, work_id,"
                + " assessment_event_id, purpose) VALUES (?,?,?,?,?,'OPEN',?,?,?,?,?)", custCode, dossierCode, feeSet, feesJson, amount, qr,
                Timestamp.from(expires.toInstant()), workId, assessment, purpose);
        return new Outcome(new Request(custCode, dossierCode, amount, "OPEN", qr, expires, feesJson, assessment), replaced, false);
    }

    public List<Request> forDossier(String dossierCode) {
        return jdbc.query("SELECT * FROM vtb_payment_request WHERE dossier_code = ? ORDER BY created_at, cust_code",
                (rs, i) -> row(rs), dossierCode);
    }

    private static Request row(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Request(rs.getString("cust_code"), rs.getString("dossier_code"), rs.getLong("amount"),
                rs.getString("status"), rs.getString("qr"),
                rs.getTimestamp("expires_at").toInstant().atZone(DossierUpdates.VIETNAM).toOffsetDateTime(),
                rs.getString("fees"),
                // rows from before V401 name no assessment: the code stands for it
                rs.getString("assessment_event_id") != null ? rs.getString("assessment_event_id") : rs.getString("cust_code"));
    }

    static String feeSetHash(ArrayNode fees) {
        Map<String, Long> sorted = new TreeMap<>();
        for (JsonNode f : fees) sorted.merge(f.path("code").asText(), f.path("amount").asLong(), Long::sum);
        List<String> parts = new ArrayList<>();
        sorted.forEach((k, v) -> parts.add(k + ":" + v));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(String.join("|", parts).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
