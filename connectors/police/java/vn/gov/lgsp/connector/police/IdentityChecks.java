package vn.gov.lgsp.connector.police;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.xml.ws.soap.SOAPFaultException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.xml.datatype.DatatypeFactory;
import org.apache.cxf.binding.soap.SoapFault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.connector.police.wsdl.CheckStatus;
import vn.gov.lgsp.connector.police.wsdl.Field;
import vn.gov.lgsp.connector.police.wsdl.PoliceFault;
import vn.gov.lgsp.connector.police.wsdl.PoliceFault_Exception;
import vn.gov.lgsp.connector.police.wsdl.Verification;
import vn.gov.lgsp.connector.police.wsdl.VerifyIdentity;
import vn.gov.lgsp.hub.model.DossierUpdate;
import vn.gov.lgsp.hub.model.PersonalData;
import vn.gov.lgsp.hub.work.DossierUpdates;
import vn.gov.lgsp.hub.work.PartnerRejectedException;
import vn.gov.lgsp.hub.work.Delivery;
import vn.gov.lgsp.hub.work.PartnerConnector;
import vn.gov.lgsp.hub.work.WorkBatch;
import vn.gov.lgsp.hub.work.WorkItem;

/**
 * Partner "police" work: an IDENTITY_CHECK_REQUESTED event -> VerifyIdentity at the population database -> an
 * IDENTITY_VERIFIED update (result MATCH) or IDENTITY_MISMATCH (MISMATCH, NOT_FOUND): {requestId, result,
 * mismatchedFields, checkId, checkedAt, citizenId (masked)}.
 * <ul>
 *   <li>RequestId = the hub's work id: the database answers a repeated RequestId with the same result, and
 *       {@code police_identity_check} keeps what it answered, so a redelivered work item is not checked again;</li>
 *   <li>PENDING (the database took longer than its synchronous window), QUOTA_EXCEEDED and UNAVAILABLE faults, time-outs
 *       and transport errors are retried by the queue's backoff (never a result); INVALID_REQUEST and UNAUTHORIZED are
 *       final (dead letter + INTEGRATION_FAILED: an operator fixes the data or the credentials and replays);</li>
 *   <li>a dossier's checks are answered in the order they were requested: while an earlier check of the dossier is
 *       unanswered (re-queued by a quota fault, say), a later one is retried too rather than overtake it.</li>
 * </ul>
 * The citizen ID is never logged nor stored in clear (a SHA-256 and the masked form only).
 */
@Component
public class IdentityChecks implements PartnerConnector {
    /** police_identity_check.check_id is VARCHAR(64). */
    static final int CHECK_ID_MAX = 64;
    private static final Logger log = LoggerFactory.getLogger(IdentityChecks.class);
    public static final String PARTNER = "police";

    private final PoliceClient client;
    private final PoliceProperties props;
    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public IdentityChecks(PoliceClient client, PoliceProperties props, JdbcTemplate jdbc, ObjectMapper json) {
        this.client = client;
        this.props = props;
        this.jdbc = jdbc;
        this.json = json;
    }

    /** A retryable answer that is not a result: PENDING, quota, agency unavailable. */
    public static class NotYetAnswered extends RuntimeException {
        public NotYetAnswered(String message) {
            super(message);
        }
    }

    @Override
    public String partner() {
        return PARTNER;
    }

    @Override
    public Delivery deliver(WorkItem work, WorkBatch batch) throws Exception {
        JsonNode event = json.readTree(work.body());
        String requestId = work.workId();
        if (!"IDENTITY_CHECK_REQUESTED".equals(event.path("eventType").asText())) {
            return Delivery.skipped("not an identity check: " + event.path("eventType").asText());
        }
        JsonNode dossier = event.path("dossier");
        String dossierCode = dossier.path("code").asText();
        JsonNode detail = event.path("detail");
        String citizenId = text(detail, "citizenId", dossier.path("applicant").path("citizenId").asText(""));
        String fullName = text(detail, "fullName", dossier.path("applicant").path("fullName").asText(""));
        String dob = detail.path("dateOfBirth").asText("");
        if (!citizenId.matches("\\d{12}")) {
            throw new PartnerRejectedException("INVALID_REQUEST", "the population database checks 12-digit citizen IDs only");
        }
        LocalDate dateOfBirth;
        try {
            dateOfBirth = LocalDate.parse(dob);
        } catch (DateTimeParseException e) {
            throw new PartnerRejectedException("INVALID_REQUEST", "detail.dateOfBirth is missing or not a date (yyyy-MM-dd)");
        }
        if (fullName.isBlank()) throw new PartnerRejectedException("INVALID_REQUEST", "no full name to check");

        String masked = PersonalData.maskId(citizenId);
        jdbc.update("INSERT INTO police_identity_check (request_id, dossier_code, citizen_id_hash, citizen_id_masked, status)"
                + " VALUES (?,?,?,?, 'REQUESTED') ON CONFLICT (request_id) DO NOTHING", requestId, dossierCode, sha256(citizenId), masked);
        Map<String, Object> row = jdbc.queryForMap("SELECT id, status, result, mismatched_fields, check_id, answered_at"
                + " FROM police_identity_check WHERE request_id = ?", requestId);
        if ("COMPLETED".equals(row.get("status"))) { // answered before (a redelivery): the same update again, no call
            return Delivery.done("answered before: " + row.get("result")).withUpdate(answered(requestId, dossierCode, masked,
                    (String) row.get("result"), (String) row.get("mismatched_fields"), (String) row.get("check_id"),
                    ((Timestamp) row.get("answered_at")).toInstant().atZone(DossierUpdates.VIETNAM).toOffsetDateTime().toString()));
        }
        Integer earlier = jdbc.queryForObject("SELECT count(*) FROM police_identity_check WHERE dossier_code = ? AND id < ?"
                + " AND status IN ('REQUESTED', 'PENDING') AND requested_at > now() - make_interval(secs => ?)", Integer.class,
                dossierCode, row.get("id"), (double) props.getOrderWait().toSeconds());
        if (earlier != null && earlier > 0) {
            throw new NotYetAnswered("an earlier identity check of dossier " + dossierCode + " is not answered yet");
        }
        jdbc.update("UPDATE police_identity_check SET attempts = attempts + 1 WHERE request_id = ?", requestId);

        VerifyIdentity req = new VerifyIdentity();
        req.setRequestId(requestId);
        req.setRequestingAgency(props.getRequestingAgency());
        req.setDossierCode(dossierCode);
        req.setCitizenId(citizenId);
        req.setFullName(fullName);
        req.setDateOfBirth(DatatypeFactory.newInstance().newXMLGregorianCalendar(dateOfBirth.toString()));
        String wire = json.createObjectNode().put("RequestId", requestId)
                .put("RequestingAgency", props.getRequestingAgency()).put("DossierCode", dossierCode).put("CitizenId", masked)
                .put("FullName", fullName).put("DateOfBirth", dateOfBirth.toString()).toString();

        Verification v;
        try {
            v = "PENDING".equals(row.get("status")) ? pendingResult(requestId, req) : client.verify(req);
        } catch (PoliceFault_Exception fault) {
            throw classify(requestId, fault.getFaultInfo());
        } catch (SOAPFaultException | SoapFault fault) {
            throw new NotYetAnswered("population database fault: " + fault.getMessage());
        }
        if (v.getStatus() == CheckStatus.PENDING || v.getResult() == null) {
            jdbc.update("UPDATE police_identity_check SET status = 'PENDING' WHERE request_id = ? AND status <> 'COMPLETED'", requestId);
            throw new NotYetAnswered("identity check " + requestId + " is pending at the population database");
        }
        if (v.getCheckId() != null && v.getCheckId().length() > CHECK_ID_MAX) {
            // a reference the hub cannot keep (its column) would fail the row on every delivery: an answer to look at
            throw new PartnerRejectedException("CHECK_ID_TOO_LONG", "the population database answered a CheckId of "
                    + v.getCheckId().length() + " characters (at most " + CHECK_ID_MAX + " are kept)");
        }
        String fields = String.join(",", v.getMismatchedField().stream().map(Field::value).toList());
        String checkedAt = (v.getCheckedAt() == null ? java.time.OffsetDateTime.now(DossierUpdates.VIETNAM)
                : v.getCheckedAt().toGregorianCalendar().toZonedDateTime().withZoneSameInstant(DossierUpdates.VIETNAM).toOffsetDateTime())
                .withNano(0).toString();
        jdbc.update("UPDATE police_identity_check SET status = 'COMPLETED', result = ?, mismatched_fields = ?, check_id = ?,"
                + " answered_at = ?::timestamptz WHERE request_id = ?", v.getResult().value(), fields.isEmpty() ? null : fields,
                v.getCheckId(), checkedAt, requestId);
        return Delivery.done(v.getResult().value() + (fields.isEmpty() ? "" : " " + fields) + ", check " + v.getCheckId())
                .withPayload(wire).withUpdate(answered(requestId, dossierCode, masked, v.getResult().value(), fields, v.getCheckId(), checkedAt));
    }

    /** A check answered PENDING before: ask for its result; a database that forgot it is asked to check again. */
    private Verification pendingResult(String requestId, VerifyIdentity req) throws Exception {
        try {
            return client.result(requestId);
        } catch (PoliceFault_Exception fault) {
            if ("UNKNOWN_REQUEST".equals(fault.getFaultInfo() == null ? null : fault.getFaultInfo().getCode())) return client.verify(req);
            throw fault;
        }
    }

    private RuntimeException classify(String requestId, PoliceFault f) {
        String code = f == null ? "UNKNOWN" : f.getCode();
        String message = f == null ? "no detail" : f.getMessage();
        switch (code) {
            case "INVALID_REQUEST", "UNAUTHORIZED" -> {
                jdbc.update("UPDATE police_identity_check SET status = 'REFUSED' WHERE request_id = ?", requestId);
                return new PartnerRejectedException(code, "population database refused the check: " + message);
            }
            case "QUOTA_EXCEEDED" -> {
                log.info("police quota exceeded (retry after {} s)", f.getRetryAfterSeconds());
                return new NotYetAnswered("QUOTA_EXCEEDED: " + message + (f.getRetryAfterSeconds() == null ? "" : " (retry after " + f.getRetryAfterSeconds() + " s)"));
            }
            default -> {
                return new NotYetAnswered(code + ": " + message);
            }
        }
    }

    private DossierUpdate answered(String requestId, String dossierCode, String maskedId, String result,
                          String fields, String checkId, String checkedAt) {
        ObjectNode detail = json.createObjectNode();
        detail.put("requestId", requestId);
        detail.put("result", result);
        ArrayNode mismatched = detail.putArray("mismatchedFields");
        if (fields != null && !fields.isBlank()) for (String f : fields.split(",")) mismatched.add(f);
        detail.put("checkId", checkId);
        detail.put("checkedAt", checkedAt);
        detail.put("citizenId", maskedId);
        // the contract's two types: a one-stop system that reads only the type must never take a mismatch for a match
        String type = "MATCH".equals(result) ? "IDENTITY_VERIFIED" : "IDENTITY_MISMATCH";
        return DossierUpdates.of("police:" + requestId, dossierCode, type, PARTNER, detail);
    }

    private static String text(JsonNode node, String field, String fallback) {
        String v = node.path(field).asText("");
        return v.isBlank() ? fallback : v;
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
