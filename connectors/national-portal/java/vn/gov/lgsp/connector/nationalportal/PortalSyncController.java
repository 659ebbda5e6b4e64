package vn.gov.lgsp.connector.nationalportal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import vn.gov.lgsp.hub.audit.AuditEntry;
import vn.gov.lgsp.hub.audit.AuditLog;
import vn.gov.lgsp.hub.security.Operators;
import vn.gov.lgsp.hub.work.PartnerWorkQueues;
import vn.gov.lgsp.hub.work.WorkItem;

/** Reconciliation view of the portal sync, and an operator's re-sync of one dossier. */
@RestController
@Tag(name = vn.gov.lgsp.hub.ops.OpenApiConfig.TAG_OPERATIONS)
public class PortalSyncController {
    private static final String PORTAL = NationalPortalSync.PARTNER;
    private final JdbcTemplate jdbc;
    private final PartnerWorkQueues queues;
    private final AuditLog audit;
    private final ObjectMapper json;

    public PortalSyncController(JdbcTemplate jdbc, PartnerWorkQueues queues, AuditLog audit, ObjectMapper json) {
        this.jdbc = jdbc;
        this.queues = queues;
        this.audit = audit;
        this.json = json;
    }

    /**
     * With {@code dossier}: what the hub knows of it and what the portal last accepted. Without: a summary —
     * synced (the portal accepted the latest event the hub planned for it), outOfSync (the hub holds a later one:
     * waiting, retrying, or lost), failed (open dead letters). Compared by the hub's sequence of events (the order it
     * accepted them), never by event times, which tie.
     */
    @Operation(summary = "National portal sync status", description = "Without dossier: counts synced, pending and failed;"
            + " with dossier: what the hub and the portal have of it (404 unknown dossier).")
    @GetMapping("/api/v1/portal/sync-status")
    public ResponseEntity<?> status(@RequestParam(required = false) String dossier) {
        if (dossier == null) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("synced", jdbc.queryForObject("SELECT count(*) FROM dossier_partner_seq h JOIN portal_sync p"
                    + " ON p.dossier_code = h.dossier_code WHERE h.partner = ? AND (p.last_event_at, p.last_seq) >= (h.last_event_at, h.last_seq)",
                    Long.class, PORTAL));
            summary.put("outOfSync", jdbc.queryForObject("SELECT count(*) FROM dossier_partner_seq h LEFT JOIN portal_sync p"
                    + " ON p.dossier_code = h.dossier_code WHERE h.partner = ?"
                    + " AND (p.dossier_code IS NULL OR (p.last_event_at, p.last_seq) < (h.last_event_at, h.last_seq))",
                    Long.class, PORTAL));
            summary.put("failed", jdbc.queryForObject("SELECT count(DISTINCT dossier_code) FROM dead_letter"
                    + " WHERE partner = 'national-portal' AND status = 'OPEN'", Long.class));
            summary.put("staleUpdatesSkipped", jdbc.queryForObject("SELECT coalesce(sum(skipped_stale), 0) FROM portal_sync", Long.class));
            return ResponseEntity.ok(summary);
        }
        List<Map<String, Object>> hub = jdbc.queryForList("SELECT status, last_event_type, last_event_at FROM dossier WHERE code = ?", dossier);
        if (hub.isEmpty()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "Unknown dossier " + dossier));
        }
        List<Map<String, Object>> portal = jdbc.queryForList("SELECT last_status, last_event_at, last_service, synced_at,"
                + " skipped_stale, last_seq, last_event_id FROM portal_sync WHERE dossier_code = ?", dossier);
        // what the portal last accepted, against the latest event the hub planned for it (in the hub's order)
        Boolean behind = jdbc.query("SELECT h.last_seq, (p.dossier_code IS NULL OR (p.last_event_at, p.last_seq)"
                + " < (h.last_event_at, h.last_seq)) FROM dossier_partner_seq h LEFT JOIN portal_sync p ON p.dossier_code = h.dossier_code"
                + " WHERE h.dossier_code = ? AND h.partner = ?", rs -> rs.next() ? rs.getBoolean(2) : Boolean.FALSE, dossier, PORTAL);
        Long failed = jdbc.queryForObject("SELECT count(*) FROM dead_letter WHERE partner = 'national-portal' AND status = 'OPEN'"
                + " AND dossier_code = ?", Long.class, dossier);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dossierCode", dossier);
        out.put("hub", Map.of("status", hub.get(0).get("status"), "lastEventType", hub.get(0).get("last_event_type"),
                "lastEventAt", ((Timestamp) hub.get(0).get("last_event_at")).toInstant().toString()));
        if (!portal.isEmpty()) {
            Map<String, Object> p = portal.get(0);
            out.put("portal", Map.of("status", p.get("last_status"), "eventAt", ((Timestamp) p.get("last_event_at")).toInstant().toString(),
                    "eventId", p.get("last_event_id"), "seq", p.get("last_seq"), "service", p.get("last_service"),
                    "syncedAt", ((Timestamp) p.get("synced_at")).toInstant().toString(), "staleUpdatesSkipped", p.get("skipped_stale")));
        }
        out.put("state", failed > 0 ? "FAILED" : Boolean.TRUE.equals(behind) ? "OUT_OF_SYNC" : "SYNCED");
        return ResponseEntity.ok(out);
    }

    /** Queues the dossier's current full state (the hub's latest event) for the portal, as an update. */
    @Operation(summary = "Re-sync a dossier with the national portal", description = "Queues the dossier's current state"
            + " for the portal; audited with the X-Operator header.")
    @PostMapping("/api/v1/portal/resync/{dossier}")
    public ResponseEntity<?> resync(@PathVariable String dossier) throws Exception {
        String operator = Operators.current();   // from the caller's token, never from a header
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT last_event_at, snapshot, last_seq FROM dossier WHERE code = ?", dossier);
        if (rows.isEmpty()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "Unknown dossier " + dossier));
        }
        ObjectNode event = json.createObjectNode();
        String eventId = "resync-" + UUID.randomUUID();
        event.put("eventId", eventId);
        event.put("eventType", "STATUS_CHANGED");
        event.put("occurredAt", ((Timestamp) rows.get(0).get("last_event_at")).toInstant()
                .atOffset(java.time.ZoneOffset.ofHours(7)).toString());
        event.set("dossier", json.readTree((String) rows.get(0).get("snapshot")));
        event.putObject("detail");
        queues.enqueue(WorkItem.first(NationalPortalSync.PARTNER, eventId + ":" + NationalPortalSync.PARTNER, dossier,
                NationalPortalSync.RESYNC, json.writeValueAsString(event)).withSeq(((Number) rows.get(0).get("last_seq")).longValue()));
        audit.record(AuditEntry.internal("operator", dossier, "PORTAL_RESYNC", "QUEUED", eventId, "re-sync requested by " + operator));
        return ResponseEntity.accepted().body(Map.of("dossierCode", dossier, "workId", eventId + ":" + NationalPortalSync.PARTNER));
    }
}
