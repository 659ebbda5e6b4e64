package vn.gov.lgsp.connector.nationalportal;

import static vn.gov.lgsp.hub.db.ColumnArrays.column;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.audit.AuditLog;
import vn.gov.lgsp.hub.db.ColumnArrays;
import vn.gov.lgsp.hub.model.DossierEvent;
import vn.gov.lgsp.hub.model.EventType;
import vn.gov.lgsp.hub.work.AcceptedEvents;
import vn.gov.lgsp.hub.work.AfterPartnerCall;
import vn.gov.lgsp.hub.work.DossierUpdates;
import vn.gov.lgsp.hub.work.WorkBatch;
import vn.gov.lgsp.hub.work.Delivery;
import vn.gov.lgsp.hub.work.PartnerConnector;
import vn.gov.lgsp.hub.work.WorkItem;

/**
 * Synchronises each dossier event with the national portal, never backwards: the hub remembers the last event the
 * portal accepted per dossier, and an older event (one sent late by the one-stop system, or an operator's replay of
 * a dead letter) is skipped and audited as SKIPPED instead of being sent. Events are compared in the hub's order: by
 * when they happened and, when their times tie (one-stop systems stamp them to the second), by the order the hub
 * accepted them ({@link WorkItem#seq()}). Per-dossier order on the queue comes from its shard (one consumer per shard).
 */
@Component
public class NationalPortalSync implements PartnerConnector {
    public static final String PARTNER = "national-portal";
    /** Message type of an operator's re-sync: the dossier's current full state. */
    public static final String RESYNC = "RESYNC";

    private final NationalPortalClient client;
    private final PortalMapper mapper;
    private final JdbcTemplate jdbc;
    private final AuditLog audit;
    private final ObjectMapper json;

    /** Message type of a citizen's rating (a dossier update, forwarded by routes/update-citizen-rated.yaml). */
    public static final String CITIZEN_RATED = "CITIZEN_RATED";

    private final NationalPortalProperties props;
    /** The events this instance's intake parsed: each is parsed here only when it is not among them. */
    private final AcceptedEvents acceptedEvents;

    public NationalPortalSync(NationalPortalClient client, PortalMapper mapper, JdbcTemplate jdbc, AuditLog audit,
                              ObjectMapper json, NationalPortalProperties props, AcceptedEvents acceptedEvents) {
        this.props = props;
        this.acceptedEvents = acceptedEvents;
        this.client = client;
        this.mapper = mapper;
        this.jdbc = jdbc;
        this.audit = audit;
        this.json = json;
    }

    @Override
    public String partner() {
        return PARTNER;
    }

    /** One call at a time, each waiting for the portal on this thread (a shard batch with one dossier's work). */
    @Override
    public Delivery deliver(WorkItem work, WorkBatch batch) throws Exception {
        return PartnerConnector.await(deliver(work, batch, this::callWaiting));
    }

    /** The sync's portal calls can hold no thread while the portal answers ({@link NationalPortalClient#callAsync}). */
    @Override
    public boolean callsWithoutBlocking() {
        return true;
    }

    /** The calls of a shard batch with several dossiers' work: none holds a thread while the portal answers. */
    @Override
    public CompletableFuture<Delivery> deliverAsync(WorkItem work, WorkBatch batch) {
        return deliver(work, batch, client::callAsync);
    }

    /** How a sync reaches the portal: a service and its request text, the portal's answer when it comes. */
    @FunctionalInterface
    private interface PortalCalls {
        CompletableFuture<com.fasterxml.jackson.databind.JsonNode> call(String service, String request);
    }

    /** {@link NationalPortalClient#call} as a {@link PortalCalls}: the future is complete when this returns. */
    private CompletableFuture<com.fasterxml.jackson.databind.JsonNode> callWaiting(String service, String request) {
        try {
            return CompletableFuture.completedFuture(client.call(service, request));
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<Delivery> deliver(WorkItem work, WorkBatch batch, PortalCalls portal) {
        try {
            return CITIZEN_RATED.equals(work.messageType()) ? CompletableFuture.completedFuture(rating(work)) : sync(work, batch, portal);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static java.time.Instant asStored(java.time.Instant t) {
        return t.plusNanos(500).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    /**
     * Everything up to the portal's answer on the caller's thread (the guard, the stale check, the request); what
     * follows the answer (the record of what the portal holds, begun in the audit log's group commit) where the
     * answer came: this thread when waited for, the client's I/O thread when not (no blocking there).
     */
    private CompletableFuture<Delivery> sync(WorkItem work, WorkBatch batch, PortalCalls portal) throws Exception {
        Guard known = guard(work, batch);
        DossierEvent event = known.event();
        long seq = work.seq();
        boolean resync = RESYNC.equals(work.messageType());
        if (known.sentService() != null) {
            // the portal has it: sent before the hub restarted, the work's own commit was lost with the crash
            return CompletableFuture.completedFuture(Delivery.done(known.sentService() + " already accepted by the portal at "
                    + known.sentAt().toInstant() + "; not sent again").withUpdate(synced(event, known.sentService())));
        }
        // what the portal holds: as read for the batch, or as this batch has since sent for the dossier
        Map<String, Held> sentInBatch = batch.shared(SENT_IN_BATCH, items -> new ConcurrentHashMap<>());
        Held held = sentInBatch.getOrDefault(event.dossierCode(), known.held());
        if (held != null) {
            // compared as PostgreSQL stores times (rounded to microseconds); a redelivered event that the portal
            // already accepted never gets here: portal_sent answered above
            java.time.Instant at = asStored(event.occurredAt().toInstant());
            boolean older = at.isBefore(held.eventAt()) || (at.equals(held.eventAt()) && seq < held.seq());
            if (older && !resync) {
                jdbc.update("UPDATE portal_sync SET skipped_stale = skipped_stale + 1 WHERE dossier_code = ?", event.dossierCode());
                return CompletableFuture.completedFuture(Delivery.skipped("stale: portal already has status " + held.status()
                        + " from " + held.eventAt() + "; this update (" + event.occurredAt() + ") was not sent"));
            }
        }
        // an update only of a dossier the portal accepted before (portal_sync, or this batch): the first sync of a
        // dossier creates it whatever its event (the hub may start after the dossier was received), since a portal
        // may refuse the update of a dossier it does not hold
        boolean isUpdating = held != null;
        ObjectNode request = mapper.dossierSync(event, isUpdating);
        // serialised once: sent (the session added on the wire) and audited as sent
        String requestText = json.writeValueAsString(request);
        CompletableFuture<com.fasterxml.jackson.databind.JsonNode> calls = portal.call("DongBoHoSoMC", requestText);
        String service = "DongBoHoSoMC";
        String audited = requestText;
        if (event.eventType() == EventType.STATUS_CHANGED && event.detail() != null && event.detail().has("step")) {
            ObjectNode progress = mapper.progress(event);
            String progressText = json.writeValueAsString(progress);
            calls = calls.thenCompose(synced -> portal.call("CapNhatTienDoHoSoMC", progressText));
            service = "DongBoHoSoMC+CapNhatTienDoHoSoMC";
            request.set("progress", progress.get("data"));
            audited = json.writeValueAsString(request); // the audit record holds both calls' data
        }
        String sentService = service;
        String payload = audited;
        return calls.thenApply(answered -> {
            AuditLog.Companion sentRecord = sent(event, seq, sentService, resync);
            AfterPartnerCall.Recording recording = AfterPartnerCall.begin("portal sync of " + event.eventId(),
                    () -> audit.submit(List.of(), List.of(sentRecord)));
            // not older than what the portal held, or a re-sync, which replaces it: either way the portal now holds this
            sentInBatch.put(event.dossierCode(), new Held(event.dossier().status(), asStored(event.occurredAt().toInstant()), seq));
            return Delivery.done(sentService + " TrangThaiHoSo=" + event.dossier().status())
                    .withPayload(payload).withUpdate(synced(event, sentService)).withRecording(recording);
        });
    }

    /**
     * A citizen's rating (the CITIZEN_RATED update) as the hub proposes the portal take it: service
     * {@code DanhGiaHaiLongMC} (hub.partners.national-portal.ratings.service) with {@code data: [{MaHoSo, DiemDanhGia,
     * HaiLong, LyDo, NoiDung, KenhDanhGia, ThoiDiemDanhGia}]}, an upsert per dossier (a repeat is harmless). Switched
     * off (hub.partners.national-portal.ratings.enabled false, the default): nothing is sent, audited as SKIPPED.
     */
    private Delivery rating(WorkItem work) throws Exception {
        if (!props.getRatings().isEnabled()) {
            return Delivery.skipped("ratings to the portal are switched off (hub.partners.national-portal.ratings.enabled)");
        }
        com.fasterxml.jackson.databind.JsonNode u = json.readTree(work.body());
        ObjectNode request = mapper.rating(u);
        client.call(props.getRatings().getService(), request);
        return Delivery.done(props.getRatings().getService() + " DiemDanhGia=" + u.path("detail").path("stars").asInt())
                .withPayload(json.writeValueAsString(request));
    }

    private static final String GUARDS = PARTNER + ".guards";
    private static final String SENT_IN_BATCH = PARTNER + ".sent-in-batch";

    /** A dossier's state at the portal: its last status and the time of the event that carried it. */
    private record Held(int status, java.time.Instant eventAt, long seq) {}

    /** A work item's event, whether the portal accepted it already, and what the portal held for its dossier. */
    private record Guard(DossierEvent event, String sentService, Timestamp sentAt, Held held) {}

    /**
     * This work's guard, read with those of the whole batch in one statement the first time one is asked for: a
     * batch of n dossier events costs one read instead of n. A body that is not a dossier event is left out of the
     * batch's read (the rest of the batch goes on) and fails its own work here.
     */
    private Guard guard(WorkItem item, WorkBatch batch) throws java.io.IOException {
        Guard g = batch.<Map<String, Guard>>shared(GUARDS, this::readGuards).get(item.workId());
        if (g != null) return g;
        json.readValue(item.body(), DossierEvent.class); // throws what is wrong with it
        return readGuards(List.of(item)).get(item.workId());
    }

    private Map<String, Guard> readGuards(List<WorkItem> items) {
        Map<String, DossierEvent> events = new LinkedHashMap<>();
        for (WorkItem item : items) {
            if (CITIZEN_RATED.equals(item.messageType())) continue; // not a dossier event: no guard
            try {
                DossierEvent e = acceptedEvents.parse(item.body());
                if (e.eventId() == null || e.dossier() == null) continue; // not a dossier event: its own call reports it
                events.put(item.workId(), e);
            } catch (java.io.IOException notAnEvent) {
                // its own call reports it
            }
        }
        Map<String, Guard> guards = new HashMap<>();
        if (events.isEmpty()) return guards;
        String[] workIds = events.keySet().toArray(String[]::new);
        String[] eventIds = events.values().stream().map(DossierEvent::eventId).toArray(String[]::new);
        String[] dossiers = events.values().stream().map(DossierEvent::dossierCode).toArray(String[]::new);
        jdbc.query(ColumnArrays.statement("SELECT w.work_id, ps.service, ps.sent_at, sy.last_status, sy.last_event_at, sy.last_seq"
                + " FROM unnest(?::text[], ?::text[], ?::text[]) AS w(work_id, event_id, dossier_code)"
                + " LEFT JOIN portal_sent ps ON ps.event_id = w.event_id"
                + " LEFT JOIN portal_sync sy ON sy.dossier_code = w.dossier_code", List.of(),
                column("text", workIds), column("text", eventIds), column("text", dossiers)), rs -> {
            String workId = rs.getString(1);
            Timestamp lastAt = rs.getTimestamp(5);
            guards.put(workId, new Guard(events.get(workId), rs.getString(2), rs.getTimestamp(3),
                    lastAt == null ? null : new Held(rs.getInt(4), lastAt.toInstant(), rs.getLong(6))));
        });
        return guards;
    }

    /**
     * What the portal now holds (the guard against going backwards and against sending twice): a row of one statement,
     * begun in the audit log's next group commit as soon as the portal answered, which the calls of the portal's shards
     * made at the same time share (their rows written at once), and durable before the work's completion commits. A
     * dossier's status is replaced only by a later event (or a re-sync); a dossier's two rows in one group commit go
     * in two executions, in the order its calls were answered.
     */
    static final AuditLog.RowStatement SENT = AuditLog.RowStatement.of("WITH r AS (SELECT * FROM unnest(?::text[],"
            + " ?::text[], ?::text[], ?::int4[], ?::timestamptz[], ?::int8[], ?::bool[])"
            + " AS r(event_id, dossier_code, service, status, event_at, seq, resync)),"
            + " sent AS (INSERT INTO portal_sent (event_id, dossier_code, service) SELECT event_id, dossier_code, service FROM r"
            + " ON CONFLICT (event_id) DO NOTHING)"
            + " INSERT INTO portal_sync (dossier_code, last_status, last_event_at, last_event_id, last_service, last_seq)"
            + " SELECT dossier_code, status, event_at, event_id, service, seq FROM r"
            + " ON CONFLICT (dossier_code) DO UPDATE SET last_status = EXCLUDED.last_status,"
            + " last_event_at = EXCLUDED.last_event_at, last_event_id = EXCLUDED.last_event_id,"
            + " last_service = EXCLUDED.last_service, last_seq = EXCLUDED.last_seq, synced_at = now()"
            + " WHERE (portal_sync.last_event_at, portal_sync.last_seq) <= (EXCLUDED.last_event_at, EXCLUDED.last_seq)"
            + " OR EXISTS (SELECT 1 FROM r WHERE r.dossier_code = EXCLUDED.dossier_code AND r.resync)",
            1, "text", "text", "text", "int4", "timestamptz", "int8", "bool");

    private static AuditLog.Companion sent(DossierEvent event, long seq, String service, boolean resync) {
        return SENT.row(event.eventId(), event.dossierCode(), service, event.dossier().status(),
                // as ISO 8601 with its zone: an array's elements go as text, and a Timestamp's text has no zone
                event.occurredAt().toInstant().toString(), seq, resync);
    }

    private vn.gov.lgsp.hub.model.DossierUpdate synced(DossierEvent event, String service) {
        ObjectNode detail = json.createObjectNode().put("status", event.dossier().status()).put("service", service)
                .put("eventId", event.eventId());
        return DossierUpdates.of("portal:" + event.eventId(), event.dossierCode(), "PORTAL_SYNCED", PARTNER, detail);
    }
}
