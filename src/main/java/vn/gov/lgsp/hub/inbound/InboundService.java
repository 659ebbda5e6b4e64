package vn.gov.lgsp.hub.inbound;

import static vn.gov.lgsp.hub.db.ColumnArrays.column;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import vn.gov.lgsp.hub.audit.AuditEntry;
import vn.gov.lgsp.hub.audit.AuditLog;
import vn.gov.lgsp.hub.db.ColumnArrays;
import vn.gov.lgsp.hub.model.DossierEvent;
import vn.gov.lgsp.hub.model.Identifiers;
import vn.gov.lgsp.hub.model.PersonalData;
import vn.gov.lgsp.hub.work.BusinessRoutes;
import vn.gov.lgsp.hub.work.PartnerWorkQueues;
import vn.gov.lgsp.hub.work.WorkItem;

/**
 * Accepts dossier events from Kafka and REST alike, in batches:
 * <ol>
 *   <li>validate against the contract; invalid input is kept in rejected_message with every reason;</li>
 *   <li>record the event in the inbox (a repeated eventId is acknowledged and ignored);</li>
 *   <li>ask the business routes (routes/*.yaml, {@code direct:on-<event-type>}) which partners get work;</li>
 *   <li>put that work on the partners' durable queues (broker commit first), then commit the inbox, the
 *       dossier state and the audit records in one database transaction.</li>
 * </ol>
 * When this returns, the batch is durable: the caller may then acknowledge it (commit the Kafka offsets or
 * answer 202). A crash between the broker and the database commits redelivers the input; the work it
 * re-queues is absorbed by each work item's completion guard.
 */
@Service
public class InboundService {
    private static final Logger log = LoggerFactory.getLogger(InboundService.class);
    public static final String PARTY = "onestop";

    private final EventValidator validator;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate dbTx;
    private final PartnerWorkQueues queues;
    private final AuditLog audit;
    private final BusinessRoutes routes;
    private final ObjectMapper json;

    public enum Outcome { ACCEPTED, DUPLICATE, REJECTED }

    /** One inbound message: where it came from (KAFKA, REST), a printable origin, and the raw text. */
    public record Incoming(String source, String origin, String text) {}

    public record Result(Outcome outcome, String eventId, List<Violation> violations) {}

    public InboundService(EventValidator validator, JdbcTemplate jdbc, TransactionTemplate dbTx, PartnerWorkQueues queues,
                          AuditLog audit, BusinessRoutes routes, ObjectMapper json) {
        this.validator = validator;
        this.jdbc = jdbc;
        this.dbTx = dbTx;
        this.queues = queues;
        this.audit = audit;
        this.routes = routes;
        this.json = json;
    }

    public List<Result> accept(List<Incoming> batch) {
        List<Result> results = new ArrayList<>(batch.size());
        List<AuditEntry> auditEntries = new ArrayList<>();
        List<Object[]> rejectedRows = new ArrayList<>();
        List<Valid> valid = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Incoming in = batch.get(i);
            EventValidator.Result v = validator.validate(in.text());
            if (v.valid()) {
                valid.add(new Valid(i, in, v.event()));
                results.add(null);
            } else {
                String eventId = v.tree() == null ? null : textOrNull(v.tree().path("eventId"));
                String dossier = v.tree() == null ? null : textOrNull(v.tree().path("dossier").path("code"));
                String reasons = toJson(v.violations());
                rejectedRows.add(new Object[] {in.source(), in.origin(), eventId, dossier, reasons, PersonalData.maskJson(in.text())});
                auditEntries.add(new AuditEntry(AuditEntry.Direction.IN, PARTY, dossier, "DOSSIER_EVENT", "REJECTED", null,
                        eventId, in.text(), reasons));
                results.add(new Result(Outcome.REJECTED, eventId, v.violations()));
                log.warn("rejected {} input from {}: {}", in.source(), in.origin(), reasons);
            }
        }

        dbTx.executeWithoutResult(status -> {
            List<Valid> fresh = recordInbox(valid);
            java.util.Set<Integer> freshIndexes = new java.util.HashSet<>();
            fresh.forEach(v -> freshIndexes.add(v.index()));
            List<WorkItem> work = new ArrayList<>();
            for (Valid v : valid) {
                boolean isNew = freshIndexes.contains(v.index());
                results.set(v.index(), new Result(isNew ? Outcome.ACCEPTED : Outcome.DUPLICATE, v.event().eventId(), List.of()));
                List<String> partners = isNew ? plan(v.event()) : List.of();
                for (String partner : partners) {
                    work.add(WorkItem.first(partner, v.event().eventId() + ":" + partner, v.event().dossierCode(),
                            v.event().eventType().name(), v.in().text()));
                }
                auditEntries.add(new AuditEntry(AuditEntry.Direction.IN, PARTY, v.event().dossierCode(),
                        v.event().eventType().name(), isNew ? "ACCEPTED" : "DUPLICATE", null, v.event().eventId(),
                        v.in().text(), isNew ? "work for: " + String.join(", ", partners) : "eventId already accepted; ignored"));
            }
            updateDossiers(fresh);
            if (!rejectedRows.isEmpty()) {
                jdbc.batchUpdate("INSERT INTO rejected_message (source, origin, event_id, dossier_code, reasons, raw_masked)"
                        + " VALUES (?,?,?,?,?,?)", rejectedRows);
            }
            // broker first: if the database commit then fails, the input is redelivered and nothing is lost
            queues.enqueueAll(work);
            audit.appendInCurrentTransaction(auditEntries);
        });
        audit.count(auditEntries);
        return results;
    }

    private record Valid(int index, Incoming in, DossierEvent event) {}

    /**
     * Inserts the events into the inbox; returns those that were not there yet (of the same eventId twice in one
     * batch, the first). One statement for the batch: a JDBC batch executes one INSERT per row.
     */
    private List<Valid> recordInbox(List<Valid> valid) {
        if (valid.isEmpty()) return List.of();
        int n = valid.size();
        String[] id = new String[n], dossier = new String[n], type = new String[n], source = new String[n], payload = new String[n];
        Timestamp[] occurredAt = new Timestamp[n];
        for (int i = 0; i < n; i++) {
            DossierEvent e = valid.get(i).event();
            id[i] = e.eventId();
            dossier[i] = e.dossierCode();
            type[i] = e.eventType().name();
            occurredAt[i] = Timestamp.from(e.occurredAt().toInstant());
            source[i] = valid.get(i).in().source();
            payload[i] = valid.get(i).in().text();
        }
        Set<String> inserted = new HashSet<>(jdbc.query(ColumnArrays.statement("INSERT INTO inbound_event (event_id,"
                + " dossier_code, event_type, occurred_at, source, payload) SELECT * FROM unnest(?::text[], ?::text[], ?::text[],"
                + " ?::timestamptz[], ?::text[], ?::text[]) ON CONFLICT (event_id) DO NOTHING RETURNING event_id", List.of(),
                column("text", id), column("text", dossier), column("text", type), column("timestamptz", occurredAt),
                column("text", source), column("text", payload)), (rs, row) -> rs.getString(1)));
        List<Valid> fresh = new ArrayList<>();
        for (Valid v : valid) {
            if (inserted.remove(v.event().eventId())) fresh.add(v);
        }
        return fresh;
    }

    /**
     * Keeps the hub's view of each dossier: the latest event (by occurredAt) wins; of two at the same instant, the
     * later in the batch. One row per dossier in one statement (an upsert cannot touch a row twice).
     */
    private void updateDossiers(List<Valid> fresh) {
        if (fresh.isEmpty()) return;
        Map<String, DossierEvent> latest = new LinkedHashMap<>();
        for (Valid v : fresh) {
            latest.merge(v.event().dossierCode(), v.event(), (had, e) -> e.occurredAt().isBefore(had.occurredAt()) ? had : e);
        }
        int n = latest.size(), i = 0;
        String[] code = new String[n], procedure = new String[n], agency = new String[n], phone = new String[n],
                eventId = new String[n], eventType = new String[n], snapshot = new String[n];
        Integer[] status = new Integer[n];
        Timestamp[] dueAt = new Timestamp[n], eventAt = new Timestamp[n];
        for (DossierEvent e : latest.values()) {
            code[i] = e.dossierCode();
            status[i] = e.dossier().status();
            procedure[i] = e.dossier().procedureCode();
            agency[i] = e.dossier().agencyCode();
            phone[i] = e.dossier().applicant() == null ? null : Identifiers.localPhone(e.dossier().applicant().phone());
            dueAt[i] = e.dossier().dueAt() == null ? null : Timestamp.from(e.dossier().dueAt().toInstant());
            eventId[i] = e.eventId();
            eventType[i] = e.eventType().name();
            eventAt[i] = Timestamp.from(e.occurredAt().toInstant());
            snapshot[i] = toJson(e.dossier());
            i++;
        }
        jdbc.update(ColumnArrays.statement("INSERT INTO dossier (code, status, procedure_code, agency_code, applicant_phone,"
                + " due_at, last_event_id, last_event_type, last_event_at, snapshot) SELECT * FROM unnest(?::text[], ?::int[],"
                + " ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::text[], ?::timestamptz[], ?::text[])"
                + " ON CONFLICT (code) DO UPDATE SET status = EXCLUDED.status, procedure_code = EXCLUDED.procedure_code,"
                + " agency_code = EXCLUDED.agency_code, applicant_phone = EXCLUDED.applicant_phone, due_at = EXCLUDED.due_at,"
                + " last_event_id = EXCLUDED.last_event_id, last_event_type = EXCLUDED.last_event_type,"
                + " last_event_at = EXCLUDED.last_event_at, snapshot = EXCLUDED.snapshot, updated_at = now()"
                + " WHERE dossier.last_event_at <= EXCLUDED.last_event_at", List.of(),
                column("text", code), column("int4", status), column("text", procedure), column("text", agency),
                column("text", phone), column("timestamptz", dueAt), column("text", eventId), column("text", eventType),
                column("timestamptz", eventAt), column("text", snapshot)));
    }

    /** Runs the event through its business route (routes/*.yaml) and returns the partners it asked for. */
    private List<String> plan(DossierEvent event) {
        return routes.plan(BusinessRoutes.eventEntry(event.eventType().name()), event, Map.of(
                "eventType", event.eventType().name(),
                "dossierCode", event.dossierCode(),
                "channel", event.dossier().channel(),
                "status", event.dossier().status(),
                "returnMethod", event.dossier().returnMethod() == null ? "COUNTER" : event.dossier().returnMethod().name(),
                "unpaidFees", event.dossier().unpaidFees()));
    }

    private String toJson(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String textOrNull(com.fasterxml.jackson.databind.JsonNode n) {
        return n.isTextual() ? n.asText() : null;
    }
}
