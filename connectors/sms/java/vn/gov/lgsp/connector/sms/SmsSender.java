package vn.gov.lgsp.connector.sms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.connector.sms.wsdl.SendSms;
import vn.gov.lgsp.connector.sms.wsdl.SendSmsResponse;
import vn.gov.lgsp.hub.audit.AuditLog;
import vn.gov.lgsp.hub.model.DossierUpdate;
import vn.gov.lgsp.hub.model.Identifiers;
import vn.gov.lgsp.hub.work.DossierUpdates;
import vn.gov.lgsp.hub.work.PartnerRejectedException;
import vn.gov.lgsp.hub.work.Delivery;
import vn.gov.lgsp.hub.work.PartnerConnector;
import vn.gov.lgsp.hub.work.WorkBatch;
import vn.gov.lgsp.hub.work.WorkItem;

/**
 * Partner "sms" work: a citizen message (queued by the zalo connector as its fallback) to send as a brandname SMS.
 * <ul>
 *   <li>the body carries messageId, dossierCode, eventType, phone, urgent and the facts; the text is rendered
 *       here from connectors/sms/config.yml, without diacritics, within the segment budget;</li>
 *   <li>one sms_message row per message id; RequestId = message id, and the gateway's 124 (duplicate RequestId)
 *       means it already has it: success;</li>
 *   <li>quiet hours: a non-urgent message is stored DEFERRED with not_before = the end of the quiet period and
 *       {@link SmsReleaser} puts it back on the queue then (the apology is urgent and goes at once).</li>
 * </ul>
 */
@Component
public class SmsSender implements PartnerConnector {
    private static final Logger log = LoggerFactory.getLogger(SmsSender.class);
    public static final String PARTY = "sms";

    private final SmsProperties props;
    private final SmsGatewayClient gateway;
    private final JdbcTemplate jdbc;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final Clock clock;

    public SmsSender(SmsProperties props, SmsGatewayClient gateway, JdbcTemplate jdbc, AuditLog audit, ObjectMapper json,
                     @Qualifier("smsClock") Clock clock) {
        this.props = props;
        this.gateway = gateway;
        this.jdbc = jdbc;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public String partner() {
        return PARTY;
    }

    @Override
    public Delivery deliver(WorkItem work, WorkBatch batch) throws Exception {
        JsonNode body = json.readTree(work.body());
        String messageId = body.path("messageId").asText(null);
        if (messageId == null) throw new PartnerRejectedException(null, "SMS work without a messageId");
        boolean released = body.path("released").asBoolean(false);
        if (!released) {
            String eventType = body.path("eventType").asText();
            String template = props.getTemplates().get(eventType);
            if (template == null) return skip("no SMS text is configured for " + eventType);
            String phone = body.path("phone").asText("");
            if (Identifiers.checkPhone(phone).isPresent()) {
                throw new PartnerRejectedException("108", "not a Vietnamese mobile number");
            }
            Map<String, String> facts = new LinkedHashMap<>();
            // the zalo connector carries the applicant's name as applicantName (a key the masks know); templates say {name}
            body.path("facts").fields().forEachRemaining(e ->
                    facts.put("applicantName".equals(e.getKey()) ? "name" : e.getKey(), e.getValue().asText()));
            String content = SmsText.compose(template, facts, props.isUnicode(), props.getMaxSegments(), props.getShrink());
            jdbc.update("INSERT INTO sms_message (message_id, dossier_code, event_type, phone, content, segments, urgent, status)"
                    + " VALUES (?,?,?,?,?,?,?, 'NEW') ON CONFLICT (message_id) DO NOTHING",
                    messageId, body.path("dossierCode").asText(null), eventType, Identifiers.localPhone(phone), content,
                    SmsText.segments(content, props.isUnicode()), body.path("urgent").asBoolean(false));
        }
        List<Map<String, Object>> rows = jdbc.queryForList(
                "SELECT dossier_code, event_type, phone, content, urgent, status, code_result FROM sms_message WHERE message_id = ?", messageId);
        if (rows.isEmpty()) throw new PartnerRejectedException(null, "released SMS " + messageId + " is unknown");
        Map<String, Object> row = rows.get(0);
        String status = (String) row.get("status");
        if ("SENT".equals(status) || "NOT_REACHABLE".equals(status)) {
            // sent (or refused) before; this work's completion may have been lost (its batch rolled back while the
            // database, broker or Kafka was down): hand back the same update, as if nothing had failed
            boolean sent = "SENT".equals(status);
            ObjectNode detail = json.createObjectNode().put("channel", "SMS").put("notification", (String) row.get("event_type"));
            if (sent) detail.put("messageId", messageId);
            else detail.put("code", row.get("code_result") == null ? 0 : ((Number) row.get("code_result")).intValue());
            return skip("SMS " + messageId + " already " + status).withUpdate(update(messageId, (String) row.get("dossier_code"),
                    sent ? "CITIZEN_NOTIFIED" : "CITIZEN_NOT_REACHABLE", detail));
        }
        if ("DEFERRED".equals(status) && !released) return skip("SMS " + messageId + " waits for the end of quiet hours");
        Instant now = clock.instant();
        if (!released && !Boolean.TRUE.equals(row.get("urgent")) && quiet(now)) {
            Instant notBefore = quietEnd(now);
            jdbc.update("UPDATE sms_message SET status = 'DEFERRED', not_before = ? WHERE message_id = ?",
                    Timestamp.from(notBefore), messageId);
            return skip("quiet hours: SMS " + messageId + " deferred until " + notBefore.atZone(zone()).toLocalDateTime());
        }
        return send(messageId, row);
    }

    private Delivery send(String messageId, Map<String, Object> row) {
        String content = (String) row.get("content");
        SendSms req = new SendSms();
        req.setApiKey(props.getApiKey());
        req.setSecretKey(props.getSecretKey());
        req.setBrandname(props.getBrandname());
        req.setPhone(Identifiers.internationalPhone((String) row.get("phone")));
        req.setContent(content);
        req.setIsUnicode(props.isUnicode() ? 1 : 0);
        req.setSmsType(props.getSmsType());
        req.setSandbox(0);
        req.setRequestId(messageId);
        if (props.getCallbackUrl() != null && !props.getCallbackUrl().isBlank()) req.setCallbackUrl(props.getCallbackUrl());
        // what the audit log keeps of the request: the account's keys are not in it
        String wire = json.createObjectNode().put("Brandname", req.getBrandname())
                .put("Phone", req.getPhone()).put("Content", content).put("IsUnicode", req.getIsUnicode())
                .put("RequestId", messageId).toString();

        SendSmsResponse r = gateway.send(req);
        int code = r.getCodeResult();
        String dossier = (String) row.get("dossier_code");
        String eventType = (String) row.get("event_type");
        if (code == 100 || code == 124) {
            // 124: the gateway already accepted this RequestId (a resend after a crash): it is sent, once. Recorded in
            // the audit log's group commit (shared with the other calls of the moment); should it be lost, the resend
            // is answered 124. The gateway may report delivery before its answer reaches us: a report already in is
            // applied in the same transaction.
            audit.commit(new AuditLog.Companion("UPDATE sms_message SET status = 'SENT', code_result = ?, sms_id = COALESCE(?, sms_id),"
                            + " sent_at = ? WHERE message_id = ?", new Object[] {code, r.getSMSID(), Timestamp.from(clock.instant()), messageId}),
                    new AuditLog.Companion("UPDATE sms_message m SET delivery_status = r.send_status,"
                            + " delivered_at = CASE WHEN r.send_status = 5 THEN now() ELSE m.delivered_at END"
                            + " FROM (SELECT send_status FROM sms_delivery_report WHERE sms_id = ?"
                            + " ORDER BY " + SmsDlrController.stageOf("send_status") + " DESC, id DESC LIMIT 1) r"
                            + " WHERE m.message_id = ?", new Object[] {r.getSMSID(), messageId}));
            return Delivery.done("CodeResult " + code + ", SMSID " + r.getSMSID()).withPayload(wire).withUpdate(update(messageId, dossier,
                    "CITIZEN_NOTIFIED", json.createObjectNode().put("channel", "SMS").put("notification", eventType).put("messageId", messageId)));
        }
        if (props.getNotReachableCodes().contains(code)) {
            audit.commit(new AuditLog.Companion("UPDATE sms_message SET status = 'NOT_REACHABLE', code_result = ? WHERE message_id = ?",
                    new Object[] {code, messageId}));
            return Delivery.done("CodeResult " + code + ": " + r.getErrorMessage()).withPayload(wire).withUpdate(update(messageId, dossier,
                    "CITIZEN_NOT_REACHABLE", json.createObjectNode().put("channel", "SMS").put("notification", eventType).put("code", code)));
        }
        if (props.getRejectedCodes().contains(code)) {
            throw new PartnerRejectedException(Integer.toString(code), "SMS gateway refused: " + r.getErrorMessage());
        }
        // 103 low balance and anything unknown: worth trying again later
        throw new IllegalStateException("SMS gateway answered " + code + " " + r.getErrorMessage());
    }

    /** Inside [quietStart, quietEnd) in the configured zone; the window may span midnight. */
    public boolean quiet(Instant now) {
        LocalTime t = now.atZone(zone()).toLocalTime();
        LocalTime start = props.getQuietStart();
        LocalTime end = props.getQuietEnd();
        if (start.equals(end)) return false;
        return start.isBefore(end) ? !t.isBefore(start) && t.isBefore(end) : !t.isBefore(start) || t.isBefore(end);
    }

    /** The next end of the quiet period after {@code now}. */
    public Instant quietEnd(Instant now) {
        ZonedDateTime z = now.atZone(zone());
        ZonedDateTime end = z.with(props.getQuietEnd()).withSecond(0).withNano(0);
        if (!end.isAfter(z)) end = end.plusDays(1);
        return end.toInstant();
    }

    private ZoneId zone() {
        return ZoneId.of(props.getZone());
    }

    private DossierUpdate update(String messageId, String dossier, String type, ObjectNode detail) {
        return DossierUpdates.of("sms:" + messageId + ":" + type, dossier, type, PARTY, detail);
    }

    private static Delivery skip(String why) {
        log.debug("sms: {}", why);
        return Delivery.skipped(why);
    }
}
