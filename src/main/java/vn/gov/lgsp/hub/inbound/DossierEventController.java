package vn.gov.lgsp.hub.inbound;

import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import vn.gov.lgsp.hub.ops.OpenApiConfig;
import vn.gov.lgsp.hub.web.Problems;

/** REST entry for one-stop systems without Kafka, and the operators' view of rejected input. */
@RestController
public class DossierEventController {
    private final InboundService inbound;
    private final JdbcTemplate jdbc;
    private final ApplicationAvailability availability;
    private final vn.gov.lgsp.hub.work.BrokerAvailability broker;

    public DossierEventController(InboundService inbound, JdbcTemplate jdbc, ApplicationAvailability availability,
                                  vn.gov.lgsp.hub.work.BrokerAvailability broker) {
        this.inbound = inbound;
        this.jdbc = jdbc;
        this.availability = availability;
        this.broker = broker;
    }

    /**
     * 202 once the event is durable in the hub (or was already); 400 problem+json listing every violation; 415 for
     * anything but JSON; 503 with Retry-After while the hub is starting or stopping (the web server runs before
     * and after routing and queues do) or cannot make the event durable (database or broker down): the client
     * sends the same event again and gets 202, or DUPLICATE if it had in fact been stored.
     */
    @Operation(tags = OpenApiConfig.TAG_INBOUND, summary = "Accept a dossier event",
            description = "The body is a dossier event as on Kafka topic onestop.dossier.events (JSON Schema"
                    + " connectors/onestop/contract/dossier-event.schema.json). 202 once it is durable in the hub, or was"
                    + " already (same eventId: outcome DUPLICATE); 400 problem+json listing every violation.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @io.swagger.v3.oas.annotations.media.Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @io.swagger.v3.oas.annotations.media.Schema(type = "object",
            externalDocs = @io.swagger.v3.oas.annotations.ExternalDocumentation(description = "dossier-event.schema.json",
                    url = "https://lgsp.gov.vn/contracts/onestop/dossier-event.schema.json"))))
    @PostMapping(path = "/api/v1/dossier-events", consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"})
    public ResponseEntity<?> accept(@RequestBody(required = false) String body) {
        if (availability.getReadinessState() != ReadinessState.ACCEPTING_TRAFFIC) {
            return Problems.unavailable("not-ready", "The hub is starting or stopping and accepts no event now;"
                    + " send the same event again later.");
        }
        if (broker.down()) {
            // at once: waiting for a broker known to be gone would hold the client for the broker's timeouts
            return Problems.unavailable("unavailable", "The hub cannot act on this request now: its message broker is"
                    + " not available. Nothing was accepted; send the same request again later.");
        }
        // an empty body is rejected like any other non-object, and recorded as such (never a null in the database)
        String text = body == null ? "" : body;
        InboundService.Result r = inbound.accept(List.of(new InboundService.Incoming("REST", "POST /api/v1/dossier-events", text))).get(0);
        if (r.outcome() == InboundService.Outcome.REJECTED) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                    r.violations().size() + " violation(s) of the dossier event contract");
            problem.setType(URI.create("https://lgsp.gov.vn/problems/invalid-dossier-event"));
            problem.setTitle("Invalid dossier event");
            problem.setProperty("violations", r.violations());
            return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
        }
        Map<String, Object> body202 = new LinkedHashMap<>();
        body202.put("eventId", r.eventId());
        body202.put("outcome", r.outcome().name());
        return ResponseEntity.accepted().body(body202);
    }

    /** Input that broke the contract, newest first, with its reasons (payloads masked). */
    @Operation(tags = OpenApiConfig.TAG_OPERATIONS, summary = "Rejected input",
            description = "Input that broke the contract, newest first (at most 1000), with every reason; payloads masked.")
    @GetMapping("/api/v1/rejected-messages")
    public Object rejected(@RequestParam(required = false) String dossier, @RequestParam(defaultValue = "100") int limit) {
        if (limit < 1) return Problems.answer(HttpStatus.BAD_REQUEST, "invalid-parameter", "limit must be at least 1");
        String sql = "SELECT id, received_at, source, origin, event_id, dossier_code, reasons, raw_masked FROM rejected_message"
                + (dossier == null ? "" : " WHERE dossier_code = ?") + " ORDER BY id DESC LIMIT ?";
        Object[] args = dossier == null ? new Object[] {Math.min(limit, 1000)} : new Object[] {dossier, Math.min(limit, 1000)};
        return jdbc.query(sql, (rs, i) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", rs.getLong("id"));
            m.put("receivedAt", rs.getTimestamp("received_at").toInstant().toString());
            m.put("source", rs.getString("source"));
            m.put("origin", rs.getString("origin"));
            m.put("eventId", rs.getString("event_id"));
            m.put("dossierCode", rs.getString("dossier_code"));
            m.put("reasons", rs.getString("reasons"));
            m.put("input", rs.getString("raw_masked"));
            return m;
        }, args);
    }
}
