package vn.gov.lgsp.connector.sms;

import io.swagger.v3.oas.annotations.Operation;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import vn.gov.lgsp.hub.audit.AuditEntry;
import vn.gov.lgsp.hub.audit.AuditLog;
import vn.gov.lgsp.hub.web.Problems;
import vn.gov.lgsp.hub.security.SecurityRefusals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;

/**
 * Delivery reports: the gateway GETs /api/v1/partners/sms/dlr?SMSID=..&SendStatus=..&SendSuccess=..&telcoid=..
 * (retrying up to 5 times). Each (SMSID, SendStatus) is recorded once; the SMS row keeps the latest status, and
 * the report goes on the dossier's timeline. The call must carry ?key= equal to hub.partners.sms.dlr-key
 * (HUB_SMS_DLR_KEY); while that is blank every report is refused (401), and the hub warns at start.
 */
@RestController
public class SmsDlrController {
    private static final Logger log = LoggerFactory.getLogger(SmsDlrController.class);
    private final SmsProperties props;
    private final JdbcTemplate jdbc;
    private final AuditLog audit;
    private final SecurityRefusals refusals;

    public SmsDlrController(SmsProperties props, JdbcTemplate jdbc, AuditLog audit, SecurityRefusals refusals) {
        this.props = props;
        this.jdbc = jdbc;
        this.audit = audit;
        this.refusals = refusals;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void warnWithoutKey() {
        if (props.getDlrKey() == null || props.getDlrKey().isBlank()) {
            log.warn("hub.partners.sms.dlr-key (HUB_SMS_DLR_KEY) is blank: every SMS delivery report will be refused (401)"
                    + " until it is set and the gateway's callback URL carries ?key=<it>");
        }
    }

    @Operation(tags = vn.gov.lgsp.hub.ops.OpenApiConfig.TAG_PARTNER_CALLBACKS, operationId = "smsDeliveryReport", summary = "SMS delivery report",
            description = "Called by the SMS gateway; each (SMSID, SendStatus) is recorded once. 401 on a wrong key.")
    @GetMapping("/api/v1/partners/sms/dlr")
    public ResponseEntity<?> report(@RequestParam("SMSID") String smsId,
                                                      @RequestParam("SendStatus") int sendStatus,
                                                      @RequestParam(name = "SendSuccess", required = false) Integer success,
                                                      @RequestParam(name = "telcoid", required = false) Integer telco,
                                                      @RequestParam(name = "key", required = false) String key) {
        // sms_delivery_report.sms_id is VARCHAR(64): a longer SMSID is no report of ours (and would fail the insert)
        if (smsId.isBlank() || smsId.length() > 64) {
            return Problems.answer(HttpStatus.BAD_REQUEST, "invalid-parameter", "SMSID must be 1 to 64 characters");
        }
        String expected = props.getDlrKey();
        if (expected == null || expected.isBlank()) {
            refusals.refuse("partner-sms", SmsSender.PARTY, "not_configured", "no DLR key configured (HUB_SMS_DLR_KEY)");
            return Problems.answer(HttpStatus.UNAUTHORIZED, "sms-dlr-not-accepted", "delivery reports are not accepted: no DLR key is configured");
        }
        if (key == null || !MessageDigest.isEqual(key.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
            refusals.refuse("partner-sms", SmsSender.PARTY, "bad_key", "wrong or missing DLR key");
            return Problems.answer(HttpStatus.UNAUTHORIZED, "sms-dlr-unauthorized", "missing or wrong key");
        }
        int fresh = jdbc.update("INSERT INTO sms_delivery_report (sms_id, send_status, send_success, telco_id) VALUES (?,?,?,?)"
                + " ON CONFLICT ON CONSTRAINT sms_delivery_report_once DO NOTHING", smsId, sendStatus, success, telco);
        if (fresh == 0) return ResponseEntity.ok(Map.of("result", "duplicate"));
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT message_id, dossier_code FROM sms_message WHERE sms_id = ?", smsId);
        String dossier = rows.isEmpty() ? null : (String) rows.get(0).get("dossier_code");
        String messageId = rows.isEmpty() ? smsId : (String) rows.get(0).get("message_id");
        // the gateway retries each report up to 5 times, so a report may come after a later one: the message's status
        // only moves on (pending approval, waiting, waiting for the telco, then sent or rejected, which stay)
        jdbc.update("UPDATE sms_message SET delivery_status = ?, delivered_at = CASE WHEN ? = 5 THEN now() ELSE delivered_at END"
                + " WHERE sms_id = ? AND (delivery_status IS NULL OR (" + stageOf("delivery_status") + " < " + FINAL_STAGE
                + " AND " + stageOf("delivery_status") + " <= ?))", sendStatus, sendStatus, smsId, stage(sendStatus));
        audit.record(new AuditEntry(AuditEntry.Direction.IN, SmsSender.PARTY, dossier, "SMS_DLR", statusName(sendStatus), null,
                messageId, null, "SMSID " + smsId + ", SendStatus " + sendStatus + (telco == null ? "" : ", telco " + telco)));
        return ResponseEntity.ok(Map.of("result", "recorded"));
    }

    /** How far a SendStatus is along an SMS's way; unknown statuses (none documented) come before all others. */
    static int stage(int sendStatus) {
        return switch (sendStatus) {
            case 1 -> 1;
            case 2 -> 2;
            case 7 -> 3;
            case 4, 5 -> FINAL_STAGE;
            default -> 0;
        };
    }

    private static final int FINAL_STAGE = 4;

    /** {@link #stage} of a SendStatus column, in SQL. */
    static String stageOf(String column) {
        return "CASE " + column + " WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 7 THEN 3 WHEN 4 THEN 4 WHEN 5 THEN 4 ELSE 0 END";
    }

    static String statusName(int s) {
        return switch (s) {
            case 1 -> "PENDING_APPROVAL";
            case 2 -> "WAITING";
            case 4 -> "REJECTED";
            case 5 -> "DELIVERED";
            case 7 -> "WAITING_TELCO_REPORT";
            default -> "STATUS_" + s;
        };
    }
}
