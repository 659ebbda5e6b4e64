package vn.gov.lgsp.connector.zalo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.model.DossierUpdate;
import vn.gov.lgsp.hub.model.Identifiers;
import vn.gov.lgsp.hub.model.PersonalData;
import vn.gov.lgsp.hub.audit.AuditLog;
import vn.gov.lgsp.hub.db.ColumnArrays;
import vn.gov.lgsp.hub.satisfaction.RatingInvitations;
import vn.gov.lgsp.hub.work.AfterPartnerCall;
import vn.gov.lgsp.hub.work.DossierUpdates;
import vn.gov.lgsp.hub.work.PartnerRejectedException;
import vn.gov.lgsp.hub.work.Delivery;
import vn.gov.lgsp.hub.work.PartnerConnector;
import vn.gov.lgsp.hub.work.WorkBatch;
import vn.gov.lgsp.hub.work.WorkItem;

/**
 * Partner "zalo" work = tell the citizen about this event or update: ZNS first, SMS as the fallback.
 * <ol>
 *   <li>one message per (dossier, event key, recipient), claimed in notify_message by its unique key; a repeat
 *       of an already notified fact is skipped;</li>
 *   <li>a phone remembered as having no Zalo goes straight to SMS;</li>
 *   <li>ZNS with tracking_id = our message id; an invalid/expired token is refreshed once and the send repeated;</li>
 *   <li>no account / inactive (-118, -114): the phone is remembered, the message goes to SMS; out of quota: SMS
 *       for this message;</li>
 *   <li>SMS = work for partner "sms", handed back as follow-up work (queued in this work's broker transaction),
 *       carrying the facts (connectors do not share code), keyed by the same message id, which the SMS gateway
 *       takes as RequestId.</li>
 * </ol>
 */
@Component
public class ZaloNotifier implements PartnerConnector {
    private static final Logger log = LoggerFactory.getLogger(ZaloNotifier.class);
    public static final String PARTY = "zalo";
    public static final String SMS = "sms";
    /** Zalo's day: a spent ZNS quota is spent until midnight here. */
    private static final java.time.ZoneId VIETNAM = java.time.ZoneId.of("Asia/Ho_Chi_Minh");
    /** The key of the fact {@code name} in an SMS work body (the sms connector reads it back as {@code name}). */
    static final String SMS_NAME_FACT = "applicantName";

    private final ZaloProperties props;
    private final ZaloApi api;
    private final ZaloTokens tokens;
    private final JdbcTemplate jdbc;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final Clock clock;
    /**
     * Until when (the next midnight in Vietnam) Zalo said this OA's ZNS quota is spent: no ZNS is tried before then,
     * every message goes by SMS ("do not retry today"). Per instance: another instance learns it from its own first
     * refused send.
     */
    private volatile java.time.Instant quotaSpentUntil = java.time.Instant.EPOCH;
    private final RatingInvitations invitations;
    private final RecentZnsSends recentSends;
    /**
     * A ZNS Zalo accepted (its msg_id, the hub's message id): sent, unless its receipt was applied already. The sends
     * of a group commit are one statement.
     */
    static final AuditLog.RowStatement SENT_RECORD = AuditLog.RowStatement.of("UPDATE notify_message m"
            + " SET status = CASE WHEN m.status = 'ZALO_DELIVERED' THEN m.status ELSE 'ZALO_SENT' END, channel = 'ZALO',"
            + " zalo_msg_id = r.zalo_msg_id, updated_at = now()"
            + " FROM unnest(?::text[], ?::text[]) AS r(zalo_msg_id, message_id) WHERE m.message_id = r.message_id",
            1, "text", "text");

    public ZaloNotifier(ZaloProperties props, ZaloApi api, ZaloTokens tokens, JdbcTemplate jdbc, AuditLog audit,
                        ObjectMapper json, @Qualifier("zaloClock") Clock clock, RatingInvitations invitations,
                        RecentZnsSends recentSends) {
        this.audit = audit;
        this.recentSends = recentSends;
        this.invitations = invitations;
        this.props = props;
        this.api = api;
        this.tokens = tokens;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /** What one work body asks for; occurredAt may be null. */
    record Request(String type, String dossierCode, JsonNode dossier, JsonNode detail, java.time.Instant occurredAt) {}

    /** The facts after which the citizen is invited to rate: the result handed over, or delivered by post. */
    static final java.util.Set<String> RATING_TRIGGERS = java.util.Set.of("RESULT_RETURNED", "RESULT_DELIVERED");

    @Override
    public String partner() {
        return PARTY;
    }

    @Override
    public Delivery deliver(WorkItem work, WorkBatch batch) throws Exception {
        String workId = work.workId();
        // read with the rest of the shard batch (and claimed, when it can be sent): its body is parsed once
        Prepared prepared = batch.<Map<String, Prepared>>shared(BATCH_PREPARED, this::prepareAll).remove(workId);
        Request req = prepared != null ? prepared.request() : parse(work.body());
        if (req == null) return Delivery.skipped("nothing to notify: dossier unknown to the hub");
        String rating = RATING_TRIGGERS.contains(req.type()) ? planRating(req) : null;
        Message message = prepared != null ? prepared.message() : messageFor(req);
        ZaloProperties.Template template = message.template();
        if (template == null) return Delivery.skipped(rating != null ? rating : "no citizen message is configured for " + req.type());
        Map<String, String> facts = message.facts();
        if (message.phone() == null) {
            return Delivery.skipped("the applicant has no valid mobile number").withUpdate(update(workId, req, "CITIZEN_NOT_REACHABLE",
                    json.createObjectNode().put("notification", req.type()).put("reason", "no valid mobile number")));
        }
        String phone = message.phone();
        if (message.eventKey() == null) {
            // without it every later message of this type would be taken for a repeat of the first (the key
            // "PAYMENT_REQUESTED:"): the fact's producer broke the update contract; an operator has to look
            throw new PartnerRejectedException("HUB-FACTS", req.type() + " has no " + template.getDedupeOn()
                    + ": the citizen cannot be told it apart from an earlier one");
        }
        String eventKey = message.eventKey();
        // claimed with the rest of the batch in one statement; a slot held already is looked at on its own
        Claim claim = prepared != null ? prepared.claim() : null;
        if (claim == null) claim = claim(req, eventKey, phone, workId);
        switch (claim.status()) {
            case "ZALO_SENT", "ZALO_DELIVERED" -> {
                if (workId != null && workId.equals(claim.workId())) {
                    // this very work sent it, and its completion was lost (the batch rolled back: database, broker or
                    // Kafka down): hand back the same update, as if nothing had failed
                    return Delivery.done("ZNS already sent by this work (message " + claim.messageId() + "); not sent again")
                            .withUpdate(update(workId, req, "CITIZEN_NOTIFIED", json.createObjectNode()
                                    .put("channel", "ZALO").put("notification", req.type()).put("messageId", claim.messageId())));
                }
                return Delivery.skipped("citizen already notified of " + eventKey + " (message " + claim.messageId() + ")");
            }
            case "SMS_QUEUED" -> {
                // the SMS work may not have survived a crash between commits: queue it again; the SMS side
                // keys on the message id and the gateway answers 124 to a repeated RequestId
                return fallback(claim.messageId(), req, template, facts, phone, "SMS already chosen");
            }
            default -> { }
        }
        if (claim.noZalo() != null ? claim.noZalo() : rememberedNoZalo(phone)) {
            return fallback(claim.messageId(), req, template, facts, phone, "phone has no Zalo (remembered)");
        }
        if (clock.instant().isBefore(quotaSpentUntil)) {
            return fallback(claim.messageId(), req, template, facts, phone, "ZNS quota spent today (until " + quotaSpentUntil + ")");
        }

        ObjectNode zns = json.createObjectNode();
        zns.put("phone", Identifiers.internationalPhone(phone));
        if (props.isDevelopmentMode()) zns.put("mode", "development");
        zns.put("template_id", template.getTemplateId());
        ObjectNode data = zns.putObject("template_data");
        template.getParams().forEach((name, p) -> data.put(name, TextLimits.truncate(TextLimits.render(p.getValue(), facts), p.getMax())));
        zns.put("tracking_id", claim.messageId());

        String wire = zns.toString(); // serialised once: sent, and audited (masked) as sent
        String token = tokens.accessToken();
        JsonNode answer = api.sendZns(wire, token);
        int error = answer.path("error").asInt(Integer.MIN_VALUE);
        if (props.getTokenCodes().contains(error)) {
            // refresh once (or take the token another sender just got) and send again
            answer = api.sendZns(wire, tokens.replace(token));
            error = answer.path("error").asInt(Integer.MIN_VALUE);
        }
        if (error == 0) {
            String msgId = answer.path("data").path("msg_id").asText();
            // the citizen has it: a record that cannot be written would send it again (begun now in the audit log's
            // group commit, which the sends of the partner's shards share; durable before the work's completion).
            // Its delivery receipt may be applied in the same group commit, before it: a delivery is never undone
            String messageId = claim.messageId();
            AuditLog.Companion sentRecord = SENT_RECORD.row(msgId, messageId);
            AfterPartnerCall.Recording recording = AfterPartnerCall.begin("ZNS " + messageId,
                    () -> audit.submit(List.of(), List.of(sentRecord)));
            // its delivery receipt, if it comes to this instance, is applied as it is stored
            recentSends.add(msgId, new RecentZnsSends.Sent(messageId, req.dossierCode(), phone, req.type()), recording.written());
            return Delivery.done("ZNS msg_id " + msgId + ", tracking_id " + claim.messageId()).withPayload(wire)
                    .withUpdate(update(workId, req, "CITIZEN_NOTIFIED", json.createObjectNode()
                            .put("channel", "ZALO").put("notification", req.type()).put("messageId", claim.messageId())))
                    .withRecording(recording);
        }
        if (props.getFallbackCodes().contains(error)) {
            jdbc.update("INSERT INTO zalo_no_account (phone, error_code, no_zalo_until) VALUES (?,?,?)"
                    + " ON CONFLICT (phone) DO UPDATE SET error_code = EXCLUDED.error_code, no_zalo_until = EXCLUDED.no_zalo_until,"
                    + " recorded_at = now()", phone, error, Timestamp.from(clock.instant().plus(props.getNoZaloFor())));
            return fallback(claim.messageId(), req, template, facts, phone, "Zalo error " + error + " " + answer.path("message").asText());
        }
        if (props.getQuotaCodes().contains(error)) {
            quotaSpentUntil = clock.instant().atZone(VIETNAM).toLocalDate().plusDays(1).atStartOfDay(VIETNAM).toInstant();
            log.warn("zalo: the OA's ZNS quota is spent (error {}): messages go by SMS until {}", error, quotaSpentUntil);
            return fallback(claim.messageId(), req, template, facts, phone, "ZNS quota exhausted (" + error + ")");
        }
        if (props.getTokenCodes().contains(error)) {
            tokens.forget();
            throw new ZaloApi.ZaloUnavailableException("Zalo refused a freshly refreshed token (" + error + ")", null);
        }
        // template, template data or phone refused: an operator has to look (dead letter)
        throw new PartnerRejectedException(Integer.toString(error), "ZNS refused: " + PersonalData.maskText(answer.path("message").asText()));
    }

    /**
     * Plans the dossier's one rating invitation (citizen satisfaction): due after hub.partners.zalo.rating.delay,
     * moved out of quiet hours; {@link ZaloRatingReleaser} hands it to this partner's queue when due, as
     * {@link RatingInvitations#MESSAGE_TYPE} work that this class sends like any notification (ZNS rating template,
     * SMS with the page's link as the fallback).
     */
    private String planRating(Request req) {
        ZaloProperties.Rating r = props.getRating();
        if (!r.isEnabled()) return "rating invitations are switched off (hub.partners.zalo.rating.enabled)";
        java.time.Instant now = clock.instant();
        java.time.Instant due = r.outsideQuietHours(now.plus(r.getDelay()));
        // when the citizen got the result (the month the rating counts in); a time in the future is taken as now
        java.time.Instant returned = req.occurredAt() != null && req.occurredAt().isBefore(now) ? req.occurredAt() : now;
        boolean planned = invitations.plan(req.dossierCode(), req.type(), PARTY, returned, due);
        return planned ? "rating invitation planned, due " + due : "rating invitation already planned for this dossier";
    }

    private Delivery fallback(String messageId, Request req, ZaloProperties.Template template,
                          Map<String, String> facts, String phone, String why) {
        ObjectNode body = json.createObjectNode();
        body.put("messageId", messageId);
        body.put("dossierCode", req.dossierCode());
        body.put("eventType", req.type());
        body.put("phone", phone);
        body.put("urgent", template.isUrgent());
        body.put("fallbackReason", why);
        ObjectNode f = body.putObject("facts");
        // the applicant's name under a key the hub's masks know as a name (audit and dead-letter copies of this body)
        facts.forEach((k, v) -> f.put("name".equals(k) ? SMS_NAME_FACT : k, v));
        jdbc.update("UPDATE notify_message SET status = 'SMS_QUEUED', channel = 'SMS', detail = ?, updated_at = now()"
                + " WHERE message_id = ?", why, messageId);
        log.info("zalo: message {} for dossier {} goes by SMS: {}", messageId, req.dossierCode(), why);
        return Delivery.skipped("fallback to SMS: " + why + " (message " + messageId + ")")
                .withFollowUp(WorkItem.first(SMS, "sms:" + messageId, req.dossierCode(), req.type(), body.toString()));
    }

    private boolean rememberedNoZalo(String phone) {
        return jdbc.queryForObject("SELECT count(*) FROM zalo_no_account WHERE phone = ? AND no_zalo_until > ?",
                Integer.class, phone, Timestamp.from(clock.instant())) > 0;
    }

    /** A notification slot: its message id, status, and whether the phone is remembered as having no Zalo (null: not asked). */
    record Claim(String messageId, String status, Boolean noZalo, String workId) {}

    /**
     * The message a request asks for: its template (null: none configured), facts, the recipient's local phone (null:
     * no valid mobile number) and the key it is sent once under (null: the fact that tells repeats apart is missing).
     */
    private record Message(ZaloProperties.Template template, Map<String, String> facts, String phone, String eventKey) {
        boolean sendable() {
            return template != null && phone != null && eventKey != null;
        }
    }

    private Message messageFor(Request req) {
        ZaloProperties.Template template = props.getTemplates().get(req.type());
        if (template == null) return new Message(null, Map.of(), null, null);
        Map<String, String> facts = NotificationFacts.of(req.dossier(), req.detail(), props.getProvinceHotline());
        String rawPhone = facts.get("phone");
        String phone = rawPhone == null || Identifiers.checkPhone(rawPhone).isPresent() ? null : Identifiers.localPhone(rawPhone);
        String dedupeOn = template.getDedupeOn();
        String eventKey = dedupeOn == null ? req.type() : facts.containsKey(dedupeOn) ? req.type() + ":" + facts.get(dedupeOn) : null;
        return new Message(template, facts, phone, eventKey);
    }

    private static final String BATCH_PREPARED = PARTY + ".prepared";

    /** A work item of the shard batch as read once for the batch: its request, its message and its claim (null: none made). */
    private record Prepared(Request request, Message message, Claim claim) {}

    /**
     * Reads the dossier events of a whole shard batch and claims the slots of those that can be sent in one statement,
     * before its first send (one database transaction for the batch instead of one per message): workId -> what was
     * read, with its fresh claim. Only work whose message can be told from its body alone (a dossier event carrying
     * its dossier) is read here; a slot held already (a repeat, a redelivery) and everything else is claimed by its own
     * call ({@link #claim}). A claim made for work that then waits in line or fails stays PENDING, which its next
     * delivery takes as not sent yet, as it would its own claim.
     */
    private Map<String, Prepared> prepareAll(List<WorkItem> items) {
        Map<String, Prepared> prepared = new java.util.concurrent.ConcurrentHashMap<>();
        List<String[]> rows = new java.util.ArrayList<>();
        for (WorkItem item : items) {
            if (prepared.containsKey(item.workId())) continue; // a repeat in the batch
            Request req;
            try {
                req = eventRequest(json.readTree(item.body()));
            } catch (Exception notJson) {
                continue; // its own call says what is wrong with it
            }
            if (req == null) continue;
            Message m = messageFor(req);
            prepared.put(item.workId(), new Prepared(req, m, null));
            if (!m.sendable()) continue;
            rows.add(new String[] {UUID.randomUUID().toString(), req.dossierCode(), truncate(m.eventKey(), 120), m.phone(),
                    req.type(), item.workId()});
        }
        if (rows.isEmpty()) return prepared;
        java.util.function.IntFunction<String[]> col = c -> rows.stream().map(r -> r[c]).toArray(String[]::new);
        jdbc.query(ColumnArrays.statement("WITH asked AS (SELECT ?::timestamptz AS at)"
                        + " INSERT INTO notify_message (message_id, dossier_code, event_key, recipient, event_type, work_id, status)"
                        + " SELECT m.message_id, m.dossier_code, m.event_key, m.recipient, m.event_type, m.work_id, 'PENDING'"
                        + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY"
                        + " AS m(message_id, dossier_code, event_key, recipient, event_type, work_id, position) ORDER BY m.position"
                        + " ON CONFLICT ON CONSTRAINT notify_message_once DO NOTHING"
                        + " RETURNING work_id, message_id, status, EXISTS (SELECT 1 FROM zalo_no_account z, asked"
                        + " WHERE z.phone = notify_message.recipient AND z.no_zalo_until > asked.at)",
                List.of(Timestamp.from(clock.instant())),
                ColumnArrays.column("text", col.apply(0)), ColumnArrays.column("text", col.apply(1)),
                ColumnArrays.column("text", col.apply(2)), ColumnArrays.column("text", col.apply(3)),
                ColumnArrays.column("text", col.apply(4)), ColumnArrays.column("text", col.apply(5))),
                rs -> {
                    Claim claim = new Claim(rs.getString(2), rs.getString(3), rs.getBoolean(4), null);
                    prepared.computeIfPresent(rs.getString(1), (workId, p) -> new Prepared(p.request(), p.message(), claim));
                });
        return prepared;
    }

    /**
     * Claims the (dossier, event key, recipient) slot, or finds the message that already holds it. A new claim
     * also answers whether the phone is remembered as having no Zalo: one round trip for the usual case.
     */
    private Claim claim(Request req, String eventKey, String phone, String workId) {
        String id = UUID.randomUUID().toString();
        List<Claim> claimed = jdbc.query("INSERT INTO notify_message (message_id, dossier_code, event_key, recipient, event_type,"
                + " work_id, status) VALUES (?,?,?,?,?,?, 'PENDING') ON CONFLICT ON CONSTRAINT notify_message_once DO NOTHING"
                + " RETURNING message_id, status,"
                + " EXISTS (SELECT 1 FROM zalo_no_account WHERE phone = ? AND no_zalo_until > ?)",
                (rs, i) -> new Claim(rs.getString(1), rs.getString(2), rs.getBoolean(3), null),
                id, req.dossierCode(), truncate(eventKey, 120), phone, req.type(), workId == null ? id : workId,
                phone, Timestamp.from(clock.instant()));
        if (!claimed.isEmpty()) return claimed.get(0);
        return jdbc.queryForObject("SELECT message_id, status, work_id FROM notify_message WHERE dossier_code = ? AND event_key = ?"
                + " AND recipient = ?", (rs, i) -> new Claim(rs.getString(1), rs.getString(2), null, rs.getString(3)),
                req.dossierCode(), truncate(eventKey, 120), phone);
    }

    /** A one-stop event carries its dossier; a dossier update is completed with the hub's snapshot of the dossier. */
    private Request parse(String body) throws Exception {
        JsonNode n = json.readTree(body);
        Request event = eventRequest(n);
        if (event != null) return event;
        String code = n.path("dossierCode").asText(null);
        String type = n.path("updateType").asText(null);
        if (code == null || type == null) throw new PartnerRejectedException(null, "work body is neither a dossier event nor a dossier update");
        List<String> snapshot = jdbc.queryForList("SELECT snapshot FROM dossier WHERE code = ?", String.class, code);
        if (snapshot.isEmpty()) return null;
        // a postal status's own time (RESULT_DELIVERED: when the citizen got it), else the update's
        String at = n.path("detail").path("statusAt").asText(n.path("occurredAt").asText(null));
        return new Request(type, code, json.readTree(snapshot.get(0)), n.path("detail"), instant(at));
    }

    /** A one-stop event's request (it carries its dossier), or null when the body is not one. */
    private static Request eventRequest(JsonNode n) {
        if (!n.hasNonNull("eventType") || !n.has("dossier")) return null;
        return new Request(n.get("eventType").asText(), n.path("dossier").path("code").asText(), n.get("dossier"), n.path("detail"),
                instant(n.path("occurredAt").asText(null)));
    }

    private static java.time.Instant instant(String isoOffsetDateTime) {
        if (isoOffsetDateTime == null || isoOffsetDateTime.isBlank()) return null;
        try {
            return java.time.OffsetDateTime.parse(isoOffsetDateTime).toInstant();
        } catch (Exception e) {
            return null;
        }
    }

    private DossierUpdate update(String workId, Request req, String type, ObjectNode detail) {
        return DossierUpdates.of("zalo:" + workId + ":" + type, req.dossierCode(), type, PARTY, detail);
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
