package vn.gov.lgsp.connector.zalo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.annotation.PreDestroy;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.audit.AuditEntry;
import vn.gov.lgsp.hub.audit.AuditLog;
import vn.gov.lgsp.hub.satisfaction.CitizenRatings;
import vn.gov.lgsp.hub.satisfaction.RatingInvitations;
import vn.gov.lgsp.hub.work.DossierUpdates;

/**
 * Works through stored Zalo webhook events (zalo_webhook_event): at once after the 200 answer, and by a
 * periodic sweep that also takes over events a crashed instance left half done. Rows are claimed with
 * FOR UPDATE SKIP LOCKED so several instances never process the same event.
 */
@Component
public class ZaloWebhookProcessor {
    private static final Logger log = LoggerFactory.getLogger(ZaloWebhookProcessor.class);
    /** A receipt code as the citizen types it: agency-yyMMdd-nnnn or agency-yyyyMMdd-nnnnnnn. */
    private static final Pattern RECEIPT = Pattern.compile("(?:[0-9A-Z]{2,3}\\.){1,3}[0-9A-Z]{2,3}-(?:\\d{6}-\\d{4}|\\d{8}-\\d{7})");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("dd/MM/yyyy");
    private static final int MAX_ATTEMPTS = 5;
    /** Zalo's delivery receipt of a ZNS: one per message sent, the bulk of the webhook's traffic. */
    private static final String DELIVERY_RECEIPT = "user_received_message";
    /** Stored events claimed and worked together. */
    private static final int BATCH = 200;

    private final ZaloProperties props;
    private final ZaloApi api;
    private final ZaloTokens tokens;
    private final JdbcTemplate jdbc;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final CitizenRatings ratings;
    private final RecentZnsSends recentSends;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "zalo-webhook");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean draining = new AtomicBoolean();
    /** Events this instance stored and has not claimed yet, by dedupe key (the sweep finds them too, should it stop first). */
    private final java.util.concurrent.ConcurrentLinkedQueue<String> received = new java.util.concurrent.ConcurrentLinkedQueue<>();

    public ZaloWebhookProcessor(ZaloProperties props, ZaloApi api, ZaloTokens tokens, JdbcTemplate jdbc,
                                AuditLog audit, ObjectMapper json, CitizenRatings ratings, RecentZnsSends recentSends) {
        this.ratings = ratings;
        this.recentSends = recentSends;
        this.props = props;
        this.api = api;
        this.tokens = tokens;
        this.jdbc = jdbc;
        this.audit = audit;
        this.json = json;
    }

    /**
     * Stores a verified event, durable before Zalo is answered; false when it was delivered before. Stored in the
     * audit log's group commit: the receipts Zalo posts at once (one per ZNS, the bulk of the webhook's traffic)
     * share one database transaction. A receipt for a send this instance made lately ({@link RecentZnsSends}) is
     * applied in that same commit; any other event is worked after the answer.
     */
    public boolean store(JsonNode event, String raw) {
        String name = event.path("event_name").asText("unknown");
        String key = dedupeKey(event, raw);
        if (DELIVERY_RECEIPT.equals(name)) {
            RecentZnsSends.Sent sent = recentSends.take(event.path("message").path("msg_id").asText(""));
            if (sent != null) return storeApplied(event, key, raw, sent);
        }
        int[] stored = audit.commit(STORED.row(key, truncate(name, 60), raw));
        if (stored[0] == 0) return false;
        received.add(key);
        executor.execute(this::drain);
        return true;
    }

    /**
     * A delivery receipt for a send this instance recorded: stored as done and applied (the notification delivered,
     * the Zalo user known by phone, the audit record) in one group commit, all only if its dedupe key is new.
     */
    private boolean storeApplied(JsonNode event, String key, String raw, RecentZnsSends.Sent sent) {
        List<AuditLog.Companion> applied = new java.util.ArrayList<>();
        applied.add(DELIVERED.row(sent.messageId()));
        String user = receiver(event);
        if (!user.isEmpty()) applied.add(FOLLOWER.row(user, sent.recipient(), "zns_receipt"));
        return audit.recordIf(STORED_DONE.row(key, DELIVERY_RECEIPT, raw), applied, delivered(sent, event));
    }

    /**
     * A webhook event stored once under its dedupe key, to be worked after the answer. This and the statements below
     * are one statement each for all the receipts of a group commit (rows as arrays), not one per receipt: a thousand
     * ZNS a second bring a thousand receipts (bench/PROFILING.md, "A twenty-ninth look").
     */
    private static final AuditLog.RowStatement STORED = AuditLog.RowStatement.counted("INSERT INTO zalo_webhook_event"
            + " (dedupe_key, event_name, payload) SELECT * FROM unnest(?::text[], ?::text[], ?::text[])"
            + " ON CONFLICT (dedupe_key) DO NOTHING RETURNING dedupe_key", 0, "text", "text", "text");
    /** A receipt stored once under its dedupe key as worked already: applied in the same commit. */
    private static final AuditLog.RowStatement STORED_DONE = AuditLog.RowStatement.counted("INSERT INTO zalo_webhook_event"
            + " (dedupe_key, event_name, payload, status, attempts, claimed_at, processed_at)"
            + " SELECT k, n, p, 'DONE', 1, now(), now() FROM unnest(?::text[], ?::text[], ?::text[]) AS r(k, n, p)"
            + " ON CONFLICT (dedupe_key) DO NOTHING RETURNING dedupe_key", 0, "text", "text", "text");
    /** The ZNS reached the citizen's phone. */
    private static final AuditLog.RowStatement DELIVERED = AuditLog.RowStatement.of("UPDATE notify_message m"
            + " SET status = 'ZALO_DELIVERED', updated_at = now() FROM unnest(?::text[]) AS r(message_id)"
            + " WHERE m.message_id = r.message_id", 0, "text");

    /** The Zalo user a receipt's message reached. */
    private static String receiver(JsonNode receipt) {
        return receipt.path("recipient").path("id").asText(receipt.path("user_id_by_app").asText(""));
    }

    /** The audit record of a ZNS that reached the citizen's phone. */
    private static AuditEntry delivered(RecentZnsSends.Sent m, JsonNode receipt) {
        String at = receipt.path("message").path("delivery_time").asText("");
        return new AuditEntry(AuditEntry.Direction.IN, ZaloNotifier.PARTY, m.dossierCode(), "ZNS_DELIVERED",
                "DELIVERED", null, m.messageId(), null, m.eventType() + " delivered on Zalo" + (at.isEmpty() ? "" : " at " + deliveryTime(at)));
    }

    /** Zalo's own message id where the event has one, else the digest of the whole delivery. */
    static String dedupeKey(JsonNode event, String raw) {
        String name = event.path("event_name").asText("unknown");
        String msgId = event.path("message").path("msg_id").asText("");
        if (!msgId.isEmpty()) return truncate(name + ":" + msgId, 160);
        try {
            return name + ":" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Takes over what the immediate path did not finish: events a crashed instance left, failures to retry. */
    @Scheduled(fixedDelayString = "${hub.partners.zalo.webhook-drain-interval:PT2S}")
    @SchedulerLock(name = "zalo-webhook-sweep") // one instance at a time (vn.gov.lgsp.hub.cluster.SingletonJobs)
    public void sweep() {
        drain(true);
    }

    void drain() {
        drain(false);
    }

    /**
     * Works the events this instance stored (claimed by dedupe key: a unique-index look-up per batch) and, on the sweep,
     * whatever is left NEW or half done (claimed by status). Finding the fresh events by status on every delivery
     * cost PostgreSQL more than anything else the hub asks of it at 200 events/s: the status index fills with the
     * entries of rows already done until a vacuum, and each claim walked them (bench/PROFILING.md).
     */
    private void drain(boolean sweep) {
        if (!draining.compareAndSet(false, true)) return;
        try {
            if (sweep) {
                // a NEW event already tried waits attempts x webhook-retry-after (a receipt whose send is being
                // recorded needs a moment, not five tries in a row); one never tried goes at once
                double retryAfter = props.getWebhookRetryAfter().toMillis() / 1000.0;
                while (work(new Claimed(jdbc.queryForList(claim("SELECT id FROM zalo_webhook_event WHERE status IN ('NEW', 'PROCESSING')"
                        + " AND ((status = 'NEW' AND (attempts = 0 OR claimed_at < now() - make_interval(secs => attempts * " + retryAfter + ")))"
                        + " OR claimed_at < now() - interval '2 minutes') AND attempts < " + MAX_ATTEMPTS
                        + " ORDER BY id FOR UPDATE SKIP LOCKED LIMIT " + BATCH)), Map.of()))) {
                    // next batch
                }
            }
            List<String> keys = new java.util.ArrayList<>();
            for (String key; ; keys.clear()) {
                while (keys.size() < BATCH && (key = received.poll()) != null) keys.add(key);
                if (keys.isEmpty()) break;
                work(claimStored(keys));
            }
        } catch (Exception e) {
            log.warn("zalo webhook processing: {}", e.getMessage());
        } finally {
            draining.set(false);
        }
        // stored while this drain was finishing: its own drain found the flag taken
        if (!received.isEmpty()) executor.execute(this::drain);
    }

    private record Stored(long id, String name, JsonNode event, int attempts) {}

    /**
     * Events claimed, and what the hub sent for the receipts among them, by msg_id, where it was read with the claim
     * (a msg_id read and not found is there as null: the hub has not recorded that send yet).
     */
    private record Claimed(List<Map<String, Object>> rows, Map<String, RecentZnsSends.Sent> sent) {}

    /** The start of a delivery receipt's dedupe key ({@link #dedupeKey}): its msg_id follows. */
    private static final String RECEIPT_KEY = DELIVERY_RECEIPT + ":";
    private static final String SENT_BY_MSG_ID = "SELECT zalo_msg_id, message_id, dossier_code, recipient, event_type"
            + " FROM notify_message WHERE zalo_msg_id = ANY (?)";

    /** Marks the events the query selects as being processed by this instance and returns them. */
    private static String claim(String select) {
        return "UPDATE zalo_webhook_event SET status = 'PROCESSING', claimed_at = now(), attempts = attempts + 1"
                + " WHERE id IN (" + select + ") RETURNING id, event_name, payload, attempts";
    }

    /**
     * Claims the events this instance stored, by dedupe key, and reads what the hub sent for the receipts among them
     * (their msg_id is in the key), in one round trip and one transaction, which commits the claim: two statements
     * sent together. A claim and then a look-up were two transactions for every few receipts (bench/PROFILING.md).
     */
    private Claimed claimStored(List<String> keys) {
        List<String> msgIds = keys.stream().filter(k -> k.startsWith(RECEIPT_KEY)).map(k -> k.substring(RECEIPT_KEY.length())).toList();
        return jdbc.execute((java.sql.Connection con) -> {
            try (var ps = con.prepareStatement(claim("SELECT id FROM zalo_webhook_event WHERE dedupe_key = ANY (?) AND status = 'NEW'"
                    + " FOR UPDATE SKIP LOCKED") + "; " + SENT_BY_MSG_ID)) {
                ps.setArray(1, con.createArrayOf("text", keys.toArray()));
                ps.setArray(2, con.createArrayOf("varchar", msgIds.toArray()));
                ps.execute();
                List<Map<String, Object>> rows = new java.util.ArrayList<>();
                var mapper = new org.springframework.jdbc.core.ColumnMapRowMapper();
                try (var rs = ps.getResultSet()) {
                    while (rs.next()) rows.add(mapper.mapRow(rs, rows.size()));
                }
                if (!ps.getMoreResults()) throw new IllegalStateException("the look-up of the receipts' sends did not answer");
                Map<String, RecentZnsSends.Sent> sent = new java.util.HashMap<>();
                msgIds.forEach(id -> sent.put(id, null));
                try (var rs = ps.getResultSet()) {
                    while (rs.next()) sent.put(rs.getString(1), sentOf(rs));
                }
                return new Claimed(rows, sent);
            }
        });
    }

    private static RecentZnsSends.Sent sentOf(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new RecentZnsSends.Sent(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5));
    }

    /**
     * Works claimed events: delivery receipts (one per ZNS, the bulk of the traffic) together, with one audit group
     * commit; anything else one by one. An event that fails is left for the sweep to retry, up to MAX_ATTEMPTS.
     * False when there was nothing to work.
     */
    private boolean work(Claimed claimed) {
        List<Map<String, Object>> rows = claimed.rows();
        if (rows.isEmpty()) return false;
        List<Stored> receipts = new java.util.ArrayList<>();
        List<Long> done = new java.util.ArrayList<>();
        for (Map<String, Object> row : rows) {
            long id = ((Number) row.get("id")).longValue();
            try {
                Stored event = new Stored(id, (String) row.get("event_name"), json.readTree((String) row.get("payload")),
                        ((Number) row.get("attempts")).intValue());
                if (DELIVERY_RECEIPT.equals(event.name())) {
                    receipts.add(event);
                } else {
                    handle(event.name(), event.event());
                    done.add(id);
                }
            } catch (Exception e) {
                failed(List.of(id), e);
            }
        }
        try {
            // the receipts worked are marked DONE in their own group commit
            List<Long> early = deliveryReceipts(receipts, claimed.sent());
            retryLater(early, "ZNS msg_id not recorded yet (the receipt came before the send's answer was stored)");
        } catch (Exception e) {
            failed(receipts.stream().map(Stored::id).toList(), e);
        }
        if (!done.isEmpty()) {
            jdbc.update(con -> {
                var ps = con.prepareStatement("UPDATE zalo_webhook_event SET status = 'DONE', processed_at = now() WHERE id = ANY (?)");
                ps.setArray(1, con.createArrayOf("bigint", done.toArray()));
                return ps;
            });
        }
        return true;
    }

    private void failed(List<Long> ids, Exception e) {
        if (ids.isEmpty()) return;
        retryLater(ids, String.valueOf(e.getMessage()));
        log.warn("zalo webhook events {} failed: {}", ids, e.getMessage());
    }

    /** Back to NEW for the sweep to try again, or FAILED once MAX_ATTEMPTS claims have been made. */
    private void retryLater(List<Long> ids, String reason) {
        if (ids.isEmpty()) return;
        jdbc.update(con -> {
            var ps = con.prepareStatement("UPDATE zalo_webhook_event SET status = CASE WHEN attempts >= ? THEN 'FAILED' ELSE 'NEW' END,"
                    + " last_error = ? WHERE id = ANY (?)");
            ps.setInt(1, MAX_ATTEMPTS);
            ps.setString(2, truncate(reason, 1000));
            ps.setArray(3, con.createArrayOf("bigint", ids.toArray()));
            return ps;
        });
    }

    void handle(String name, JsonNode e) {
        switch (name) {
            // not stored, so nothing to try again later: an unknown msg_id is recorded as such at once
            case DELIVERY_RECEIPT -> deliveryReceipts(List.of(new Stored(0, name, e, MAX_ATTEMPTS)), Map.of());
            case "user_send_text" -> lookup(e);
            case "user_feedback" -> feedback(e);
            case "user_submit_info" -> {
                String phone = e.path("info").path("phone").asText("");
                String user = e.path("sender").path("id").asText("");
                if (!user.isEmpty() && vn.gov.lgsp.hub.model.Identifiers.checkPhone(phone).isEmpty()) {
                    follower(user, vn.gov.lgsp.hub.model.Identifiers.localPhone(phone), "user_submit_info");
                }
                audit.record(AuditEntry.in(ZaloNotifier.PARTY, null, "USER_SUBMIT_INFO", "RECORDED", user, null));
            }
            default -> audit.record(new AuditEntry(AuditEntry.Direction.IN, ZaloNotifier.PARTY, null,
                    name.toUpperCase(), "RECORDED", null, null, e.toString(), null));
        }
    }

    /**
     * ZNS messages reached the citizens' phones: on the dossiers' timelines, and the Zalo users are now known by
     * phone. Works a batch of receipts with one look-up and one audit group commit holding the notification updates,
     * the follower upserts and the stored events marked DONE (a crash cannot leave a receipt applied and not done).
     * A receipt whose msg_id the hub has not stored yet is returned, to be tried again by the sweep: Zalo may send it
     * before the hub has written down the send's answer (the simulator does so at once); only at its last attempt
     * is it recorded as UNKNOWN_MESSAGE.
     */
    private List<Long> deliveryReceipts(List<Stored> receipts, Map<String, RecentZnsSends.Sent> readWithTheClaim) {
        if (receipts.isEmpty()) return List.of();
        List<String> msgIds = receipts.stream().map(r -> r.event().path("message").path("msg_id").asText("")).toList();
        Map<String, RecentZnsSends.Sent> sent = new java.util.HashMap<>(readWithTheClaim);
        List<String> unread = msgIds.stream().filter(id -> !readWithTheClaim.containsKey(id)).distinct().toList();
        if (!unread.isEmpty()) {
            jdbc.query(con -> {
                var ps = con.prepareStatement(SENT_BY_MSG_ID);
                ps.setArray(1, con.createArrayOf("varchar", unread.toArray()));
                return ps;
            }, rs -> {
                sent.put(rs.getString(1), sentOf(rs));
            });
        }
        List<AuditEntry> entries = new java.util.ArrayList<>();
        List<Long> early = new java.util.ArrayList<>();
        List<Long> worked = new java.util.ArrayList<>();
        List<String> delivered = new java.util.ArrayList<>();
        Map<String, String> followers = new java.util.LinkedHashMap<>(); // Zalo user -> phone, one row per user
        for (int i = 0; i < receipts.size(); i++) {
            JsonNode e = receipts.get(i).event();
            RecentZnsSends.Sent m = sent.get(msgIds.get(i));
            if (m == null && receipts.get(i).attempts() < MAX_ATTEMPTS) {
                early.add(receipts.get(i).id());
                continue;
            }
            if (receipts.get(i).id() != 0) worked.add(receipts.get(i).id()); // 0: handed in without being stored
            if (m == null) {
                entries.add(AuditEntry.in(ZaloNotifier.PARTY, null, "ZNS_DELIVERED", "UNKNOWN_MESSAGE", msgIds.get(i), null));
                continue;
            }
            delivered.add(m.messageId());
            String user = receiver(e);
            if (!user.isEmpty()) followers.put(user, m.recipient());
            entries.add(delivered(m, e));
        }
        // one statement each for the whole batch (its values as arrays): a statement per receipt was three executions
        // in PostgreSQL for every ZNS sent (bench/PROFILING.md)
        List<AuditLog.Companion> companions = new java.util.ArrayList<>();
        if (!delivered.isEmpty()) companions.add(new AuditLog.Companion("UPDATE notify_message SET status = 'ZALO_DELIVERED',"
                + " updated_at = now() WHERE message_id = ANY (?::text[])", new Object[] {delivered.toArray(String[]::new)}));
        if (!followers.isEmpty()) companions.add(new AuditLog.Companion("INSERT INTO zalo_follower (user_id, phone, learned_by)"
                + " SELECT * FROM unnest(?::text[], ?::text[], ?::text[])" + FOLLOWER_LEARNED, new Object[] {
                        followers.keySet().toArray(String[]::new), followers.values().toArray(String[]::new),
                        followers.keySet().stream().map(u -> "zns_receipt").toArray(String[]::new)}));
        if (!worked.isEmpty()) companions.add(new AuditLog.Companion("UPDATE zalo_webhook_event SET status = 'DONE',"
                + " processed_at = now() WHERE id = ANY (?::bigint[])", new Object[] {worked.toArray(Long[]::new)}));
        // the receipts' rows and their audit records commit together
        if (!entries.isEmpty()) audit.recordWith(companions, entries.toArray(AuditEntry[]::new));
        return early;
    }

    /**
     * A citizen rated a service-rating ZNS (citizen satisfaction): correlated by tracking_id (the hub's message id)
     * or msg_id (Zalo's) to the RATING_INVITATION that asked for it, hence the dossier, and recorded once
     * ({@link CitizenRatings}: the first rating of a dossier counts; a CITIZEN_RATED update follows). What cannot be
     * tied to an invitation, or has no rate 1..5, is audited and changes nothing. The note is never audited raw.
     */
    private void feedback(JsonNode e) {
        JsonNode m = e.path("message");
        String msgId = m.path("msg_id").asText("");
        String trackingId = m.path("tracking_id").asText("");
        List<Map<String, Object>> sent = jdbc.queryForList("SELECT dossier_code, event_type FROM notify_message"
                + " WHERE message_id = ? OR (zalo_msg_id = ? AND zalo_msg_id <> '') LIMIT 1", trackingId, msgId);
        String ref = msgId.isEmpty() ? trackingId : msgId;
        if (sent.isEmpty() || !RatingInvitations.MESSAGE_TYPE.equals(sent.get(0).get("event_type"))) {
            audit.record(AuditEntry.in(ZaloNotifier.PARTY, sent.isEmpty() ? null : (String) sent.get(0).get("dossier_code"),
                    "USER_FEEDBACK", sent.isEmpty() ? "UNKNOWN_MESSAGE" : "NOT_A_RATING_INVITATION", ref, null));
            return;
        }
        String dossier = (String) sent.get(0).get("dossier_code");
        int rate = m.path("rate").isIntegralNumber() || m.path("rate").isTextual() ? m.path("rate").asInt(0) : 0;
        if (rate < 1 || rate > 5) {
            audit.record(new AuditEntry(AuditEntry.Direction.IN, ZaloNotifier.PARTY, dossier, "USER_FEEDBACK", "INVALID",
                    null, ref, null, "rate is not 1..5: " + truncate(m.path("rate").toString(), 20)));
            return;
        }
        List<String> reasons = new java.util.ArrayList<>();
        m.path("feedbacks").forEach(f -> {
            if (f.isTextual() && reasons.size() < props.getRating().getMaxReasons()) reasons.add(f.asText());
        });
        Instant submitted;
        try {
            submitted = m.hasNonNull("submit_time") ? Instant.ofEpochMilli(Long.parseLong(m.path("submit_time").asText())) : Instant.now();
        } catch (NumberFormatException bad) {
            submitted = Instant.now();
        }
        CitizenRatings.Outcome outcome = ratings.recordForDossier(dossier, new CitizenRatings.Rating(rate, reasons,
                m.path("note").asText(null), CitizenRatings.Channel.ZALO, ref, submitted));
        if (outcome != CitizenRatings.Outcome.RECORDED) {
            // recorded ones are audited with their update, masked, by CitizenRatings
            audit.record(AuditEntry.in(ZaloNotifier.PARTY, dossier, "USER_FEEDBACK",
                    outcome == CitizenRatings.Outcome.ALREADY_RATED ? "DUPLICATE" : outcome.name(), ref, null));
        }
    }

    /** A citizen wrote to the OA: if the text holds a receipt code of one of their dossiers, answer its status. */
    private void lookup(JsonNode e) {
        String user = e.path("sender").path("id").asText("");
        String text = e.path("message").path("text").asText("").toUpperCase();
        Matcher m = RECEIPT.matcher(text);
        Map<String, String> lk = props.getLookup();
        String reply;
        String dossierCode = null;
        String outcome;
        List<String> phones = jdbc.queryForList("SELECT phone FROM zalo_follower WHERE user_id = ?", String.class, user);
        if (!m.find()) {
            reply = lk.getOrDefault("no-code", "");
            outcome = "NO_CODE";
        } else if (phones.isEmpty()) {
            reply = lk.getOrDefault("phone-unknown", "");
            outcome = "PHONE_UNKNOWN";
        } else {
            String code = m.group();
            Map<String, String> facts = new java.util.HashMap<>(Map.of("code", code, "hotline", props.getProvinceHotline()));
            List<Map<String, Object>> rows = jdbc.queryForList(
                    "SELECT status, due_at, applicant_phone, snapshot FROM dossier WHERE code = ?", code);
            if (rows.isEmpty() || !phones.get(0).equals(rows.get(0).get("applicant_phone"))) {
                // the same words for "no such dossier" and "not yours": the answer must not reveal either
                reply = TextLimits.render(lk.getOrDefault("not-found", ""), facts);
                outcome = "NOT_FOUND";
            } else {
                Map<String, Object> d = rows.get(0);
                int status = ((Number) d.get("status")).intValue();
                Timestamp due = (Timestamp) d.get("due_at");
                facts.put("status", DossierStatusText.status(status));
                facts.put("nextStep", DossierStatusText.nextStep(status));
                facts.put("dueDate", due == null ? "chưa có" : due.toInstant().atZone(DossierUpdates.VIETNAM).format(DATE));
                try {
                    facts.put("procedure", json.readTree((String) d.get("snapshot")).path("procedureName").asText(""));
                } catch (Exception ignored) {
                    facts.put("procedure", "");
                }
                reply = TextLimits.render(lk.getOrDefault("found", ""), facts);
                dossierCode = code;
                outcome = "ANSWERED";
            }
        }
        long started = System.nanoTime();
        String token = tokens.accessToken();
        JsonNode answer = api.sendOaText(user, reply, token);
        if (props.getTokenCodes().contains(answer.path("error").asInt())) {
            answer = api.sendOaText(user, reply, tokens.replace(token));
        }
        if (answer.path("error").asInt(-1) != 0) {
            throw new ZaloApi.ZaloUnavailableException("OA reply refused: " + answer.path("error").asText(), null);
        }
        audit.record(AuditEntry.out(ZaloNotifier.PARTY, dossierCode, "OA_LOOKUP_REPLY", outcome,
                (System.nanoTime() - started) / 1_000_000, user, null, "status look-up by a Zalo user: " + outcome));
    }

    /** A Zalo user's phone as last learned: a later receipt or form replaces what an earlier one said. */
    private static final String FOLLOWER_LEARNED = " ON CONFLICT (user_id) DO UPDATE SET phone = EXCLUDED.phone,"
            + " learned_by = EXCLUDED.learned_by, updated_at = now()";
    private static final String FOLLOWER_UPSERT = "INSERT INTO zalo_follower (user_id, phone, learned_by) VALUES (?,?,?)" + FOLLOWER_LEARNED;
    /** The Zalo user a ZNS reached, by phone: a user's second row in one group commit goes in a further execution. */
    private static final AuditLog.RowStatement FOLLOWER = AuditLog.RowStatement.of("INSERT INTO zalo_follower"
            + " (user_id, phone, learned_by) SELECT * FROM unnest(?::text[], ?::text[], ?::text[])" + FOLLOWER_LEARNED,
            0, "text", "text", "text");

    private void follower(String user, String phone, String how) {
        jdbc.update(FOLLOWER_UPSERT, user, phone, how);
    }

    private static String deliveryTime(String epochMillis) {
        try {
            return OffsetDateTime.ofInstant(Instant.ofEpochMilli(Long.parseLong(epochMillis)), DossierUpdates.VIETNAM).toString();
        } catch (Exception e) {
            return epochMillis;
        }
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
