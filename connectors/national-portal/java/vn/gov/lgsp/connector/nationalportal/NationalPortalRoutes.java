package vn.gov.lgsp.connector.nationalportal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.model.DossierEvent;
import vn.gov.lgsp.hub.model.EventType;
import vn.gov.lgsp.hub.work.DossierUpdates;
import vn.gov.lgsp.hub.work.WorkHeaders;

/**
 * Synchronises each dossier event with the national portal, never backwards: the hub remembers the last event
 * time it sent per dossier, and an older event (one that lost its place during a retry) is skipped and audited
 * as SKIPPED instead of being sent. Per-dossier order on the queue comes from its shard (one consumer per shard).
 */
@Component
public class NationalPortalRoutes extends RouteBuilder {
    public static final String PARTNER = "national-portal";
    public static final String DELIVER = "direct:national-portal-deliver";
    /** Message type of an operator's re-sync: the dossier's current full state. */
    public static final String RESYNC = "RESYNC";

    private final NationalPortalClient client;
    private final PortalMapper mapper;
    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public NationalPortalRoutes(NationalPortalClient client, PortalMapper mapper, JdbcTemplate jdbc, ObjectMapper json) {
        this.client = client;
        this.mapper = mapper;
        this.jdbc = jdbc;
        this.json = json;
    }

    @Override
    public void configure() {
        from(DELIVER).routeId("national-portal-deliver")
                .process(this::sync).id("national-portal-sync");
    }

    private static java.time.Instant asStored(java.time.Instant t) {
        return t.plusNanos(500).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    private void sync(Exchange exchange) throws Exception {
        DossierEvent event = json.readValue(exchange.getMessage().getBody(String.class), DossierEvent.class);
        boolean resync = RESYNC.equals(exchange.getMessage().getHeader(WorkHeaders.MESSAGE_TYPE, String.class));
        // one round trip: was this event sent already, and what does the portal hold for the dossier
        Map<String, Object> known = jdbc.queryForMap("SELECT ps.service, ps.sent_at, sy.last_status, sy.last_event_at"
                + " FROM (SELECT 1) AS one LEFT JOIN portal_sent ps ON ps.event_id = ?"
                + " LEFT JOIN portal_sync sy ON sy.dossier_code = ?", event.eventId(), event.dossierCode());
        if (known.get("service") != null) {
            // the portal has it: sent before the hub restarted, the work's own commit was lost with the crash
            exchange.setProperty(WorkHeaders.AUDIT_DETAIL, known.get("service") + " already accepted by the portal at "
                    + ((Timestamp) known.get("sent_at")).toInstant() + "; not sent again");
            exchange.setProperty(WorkHeaders.UPDATES, List.of(synced(event, (String) known.get("service"))));
            return;
        }
        Timestamp lastAt = (Timestamp) known.get("last_event_at");
        if (lastAt != null) {
            // compared as PostgreSQL stores times (rounded to microseconds); a redelivered event that the portal
            // already accepted never gets here: portal_sent answered above
            boolean older = asStored(event.occurredAt().toInstant()).isBefore(lastAt.toInstant());
            if (older && !resync) {
                jdbc.update("UPDATE portal_sync SET skipped_stale = skipped_stale + 1 WHERE dossier_code = ?", event.dossierCode());
                exchange.setProperty(WorkHeaders.SKIPPED, true);
                exchange.setProperty(WorkHeaders.AUDIT_DETAIL, "stale: portal already has status " + known.get("last_status")
                        + " from " + lastAt.toInstant() + "; this update (" + event.occurredAt() + ") was not sent");
                return;
            }
        }
        boolean isUpdating = lastAt != null || event.eventType() != EventType.DOSSIER_RECEIVED;
        ObjectNode request = mapper.dossierSync(event, isUpdating);
        client.call("DongBoHoSoMC", request);
        String service = "DongBoHoSoMC";
        if (event.eventType() == EventType.STATUS_CHANGED && event.detail() != null && event.detail().has("step")) {
            ObjectNode progress = mapper.progress(event);
            client.call("CapNhatTienDoHoSoMC", progress);
            service = "DongBoHoSoMC+CapNhatTienDoHoSoMC";
            request.set("progress", progress.get("data"));
        }
        recordSent(event, service, resync);
        exchange.setProperty(WorkHeaders.AUDIT_PAYLOAD, json.writeValueAsString(request));
        exchange.setProperty(WorkHeaders.AUDIT_DETAIL, service + " TrangThaiHoSo=" + event.dossier().status());
        exchange.setProperty(WorkHeaders.UPDATES, List.of(synced(event, service)));
    }

    /**
     * What the portal now holds, committed at once (one statement, so one round trip and one commit): the guard
     * against going backwards and against sending twice.
     */
    private void recordSent(DossierEvent event, String service, boolean resync) {
        jdbc.update("WITH sent AS (INSERT INTO portal_sent (event_id, dossier_code, service) VALUES (?,?,?)"
                        + " ON CONFLICT (event_id) DO NOTHING)"
                        + " INSERT INTO portal_sync (dossier_code, last_status, last_event_at, last_event_id, last_service)"
                        + " VALUES (?,?,?,?,?) ON CONFLICT (dossier_code) DO UPDATE SET last_status = EXCLUDED.last_status,"
                        + " last_event_at = EXCLUDED.last_event_at, last_event_id = EXCLUDED.last_event_id,"
                        + " last_service = EXCLUDED.last_service, synced_at = now()"
                        + " WHERE portal_sync.last_event_at <= EXCLUDED.last_event_at OR ?",
                event.eventId(), event.dossierCode(), service,
                event.dossierCode(), event.dossier().status(), Timestamp.from(event.occurredAt().toInstant()),
                event.eventId(), service, resync);
    }

    private vn.gov.lgsp.hub.model.DossierUpdate synced(DossierEvent event, String service) {
        ObjectNode detail = json.createObjectNode().put("status", event.dossier().status()).put("service", service)
                .put("eventId", event.eventId());
        return DossierUpdates.of("portal:" + event.eventId(), event.dossierCode(), "PORTAL_SYNCED", PARTNER, detail);
    }
}
