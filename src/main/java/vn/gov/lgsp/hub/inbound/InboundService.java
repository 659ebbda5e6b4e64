package vn.gov.lgsp.hub.inbound;

import static vn.gov.lgsp.hub.db.ColumnArrays.column;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import vn.gov.lgsp.hub.work.AcceptedEvents;
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
    private final AcceptedEvents acceptedEvents;

    public enum Outcome { ACCEPTED, DUPLICATE, REJECTED }

    /** One inbound message: where it came from (KAFKA, REST), a printable origin, and the raw text. */
    public record Incoming(String source, String origin, String text) {}

    public record Result(Outcome outcome, String eventId, List<Violation> violations) {}

    public InboundService(EventValidator validator, JdbcTemplate jdbc, TransactionTemplate dbTx, PartnerWorkQueues queues,
                          AuditLog audit, BusinessRoutes routes, ObjectMapper json,
                          AcceptedEvents acceptedEvents) {
        this.acceptedEvents = acceptedEvents;
        this.validator = validator;
        this.jdbc = jdbc;
        this.dbTx = dbTx;
        this.queues = queues;
        this.audit = audit;
        this.routes = routes;
        this.json = json;
    }

    /** Accepts a batch: {@link #prepare} then {@link #commit}. When this returns, the batch is durable. */
    public List<Result> accept(List<Incoming> batch) {
        return commit(prepare(batch));
    }

    /**
     * A batch checked against the contract and run through the business routes, not yet durable: what {@link #commit}
     * writes. Only CPU work: a Kafka consumer prepares its next batch while the one before commits.
     */
    public static final class Prepared {
        private final List<Incoming> batch;
        private final List<Result> results;
        private final List<AuditEntry> rejectedAudit;
        private final List<Object[]> rejectedRows;
        private final List<Valid> valid;
        /** What the audit log stores of each input (masked copy, digests), by its text: prepared outside the commit. */
        private final Map<String, AuditLog.PreparedPayload> audited;

        Prepared(List<Incoming> batch, List<Result> results, List<AuditEntry> rejectedAudit, List<Object[]> rejectedRows,
                 List<Valid> valid, Map<String, AuditLog.PreparedPayload> audited) {
            this.batch = batch;
            this.results = results;
            this.rejectedAudit = rejectedAudit;
            this.rejectedRows = rejectedRows;
            this.valid = valid;
            this.audited = audited;
        }

        /** The inputs, as handed to {@link #prepare}. */
        public List<Incoming> batch() {
            return batch;
        }
    }

    /**
     * Validates each input and asks the business routes which partners get work for each valid event (whether it is
     * new is known only in {@link #commit}). Throws {@link vn.gov.lgsp.hub.work.HubNotReadyException} while the
     * routes are not running: the caller retries, as for a failed commit.
     */
    public Prepared prepare(List<Incoming> batch) {
        List<Result> results = new ArrayList<>(batch.size());
        List<AuditEntry> auditEntries = new ArrayList<>();
        List<Object[]> rejectedRows = new ArrayList<>();
        List<Valid> valid = new ArrayList<>();
        // each input's audit record is masked and digested here, not in the commit: the commits are the intake's
        // serial step, which this work was a quarter of (bench/PROFILING.md, "A twenty-ninth look")
        Map<String, AuditLog.PreparedPayload> audited = new java.util.HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            Incoming in = batch.get(i);
            AuditLog.PreparedPayload stored = in.text() == null ? null : audited.computeIfAbsent(in.text(), AuditLog::prepare);
            EventValidator.Result v = validator.validate(in.text());
            if (v.valid()) {
                valid.add(new Valid(i, in, v.event(), 0L, plan(v.event())));
                results.add(null);
            } else {
                String eventId = v.tree() == null ? null : textOrNull(v.tree().path("eventId"));
                String dossier = v.tree() == null ? null : textOrNull(v.tree().path("dossier").path("code"));
                String reasons = toJson(v.violations());
                // a parser's reason can quote the input ("Unrecognized token 'tel_0912345678'"): what operators see is masked
                rejectedRows.add(new Object[] {in.source(), in.origin(), eventId, dossier, PersonalData.maskText(reasons),
                        stored == null ? null : stored.masked()});
                auditEntries.add(new AuditEntry(AuditEntry.Direction.IN, PARTY, dossier, "DOSSIER_EVENT", "REJECTED", null,
                        eventId, in.text(), reasons));
                results.add(new Result(Outcome.REJECTED, eventId, v.violations()));
                log.warn("rejected {} input from {}: {}", in.source(), in.origin(), reasons);
            }
        }
        return new Prepared(batch, results, auditEntries, rejectedRows, valid, audited);
    }

    /**
     * Makes a prepared batch durable: inbox, dossier state, work on the partners' queues and audit records (see the
     * class comment). May be called again with the same batch after it failed.
     */
    public List<Result> commit(Prepared prepared) {
        List<Result> results = new ArrayList<>(prepared.results);
        List<AuditEntry> auditEntries = new ArrayList<>(prepared.rejectedAudit);
        List<Object[]> rejectedRows = prepared.rejectedRows;
        List<Valid> valid = prepared.valid;
        dbTx.executeWithoutResult(status -> {
            Map<String, Long> seqs = recordInbox(valid, prepared.audited);
            List<Valid> fresh = new ArrayList<>();
            List<WorkItem> work = new ArrayList<>();
            List<Object[]> planned = new ArrayList<>();
            for (Valid v : valid) {
                Long seq = seqs.remove(v.event().eventId()); // of the same eventId twice in a batch, the first is new
                boolean isNew = seq != null;
                if (isNew) fresh.add(new Valid(v.index(), v.in(), v.event(), seq, v.partners()));
                results.set(v.index(), new Result(isNew ? Outcome.ACCEPTED : Outcome.DUPLICATE, v.event().eventId(), List.of()));
                List<String> partners = isNew ? v.partners() : List.of();
                if (!partners.isEmpty()) acceptedEvents.remember(v.in().text(), v.event()); // its work's connectors parse it no more
                for (String partner : partners) {
                    work.add(WorkItem.first(partner, v.event().eventId() + ":" + partner, v.event().dossierCode(),
                            v.event().eventType().name(), v.in().text()).withSeq(seq));
                    planned.add(new Object[] {v.event().dossierCode(), partner, seq, Timestamp.from(v.event().occurredAt().toInstant())});
                }
                auditEntries.add(new AuditEntry(AuditEntry.Direction.IN, PARTY, v.event().dossierCode(),
                        v.event().eventType().name(), isNew ? "ACCEPTED" : "DUPLICATE", null, v.event().eventId(),
                        v.in().text(), isNew ? "work for: " + String.join(", ", partners) : "eventId already accepted; ignored"));
            }
            updateDossiers(fresh);
            recordPlanned(planned);
            if (!rejectedRows.isEmpty()) {
                jdbc.batchUpdate("INSERT INTO rejected_message (source, origin, event_id, dossier_code, reasons, raw_masked)"
                        + " VALUES (?,?,?,?,?,?)", rejectedRows);
            }
            // broker first: if the database commit then fails, the input is redelivered and nothing is lost
            queues.enqueueAccepted(work, w -> w.workId().substring(0, w.workId().lastIndexOf(':')));
            audit.appendInCurrentTransaction(auditEntries, prepared.audited);
        });
        audit.count(auditEntries);
        return results;
    }

    /**
     * A valid event of the batch and the partners its business route gives work; {@code seq} is its place in the
     * hub's order once it is recorded as new.
     */
    record Valid(int index, Incoming in, DossierEvent event, long seq, List<String> partners) {}

    /**
     * Inserts the events into the inbox; returns the eventIds that were not there yet, with the sequence the hub gave
     * each (the order the hub accepted them). One statement for the batch: a JDBC batch executes one INSERT per row.
     */
    private Map<String, Long> recordInbox(List<Valid> valid, Map<String, AuditLog.PreparedPayload> audited) {
        Map<String, Long> inserted = new java.util.HashMap<>();
        if (valid.isEmpty()) return inserted;
        int n = valid.size();
        String[] id = new String[n], dossier = new String[n], type = new String[n], source = new String[n];
        Object[] payload = new Object[n];
        Timestamp[] occurredAt = new Timestamp[n];
        for (int i = 0; i < n; i++) {
            DossierEvent e = valid.get(i).event();
            id[i] = e.eventId();
            dossier[i] = e.dossierCode();
            type[i] = e.eventType().name();
            occurredAt[i] = Timestamp.from(e.occurredAt().toInstant());
            source[i] = valid.get(i).in().source();
            // the text's UTF-8 as its audit record's digest read it (prepare): not encoded a second time
            String text = valid.get(i).in().text();
            AuditLog.PreparedPayload prepared = audited.get(text);
            payload[i] = prepared == null ? text : prepared.utf8();
        }
        // WITH ORDINALITY ... ORDER BY: the sequence follows the batch's order
        jdbc.query(ColumnArrays.statement("INSERT INTO inbound_event (event_id, dossier_code, event_type, occurred_at, source,"
                + " payload) SELECT e, d, t, o, s, p FROM unnest(?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::text[],"
                + " ?::text[]) WITH ORDINALITY AS b(e, d, t, o, s, p, n) ORDER BY n ON CONFLICT (event_id) DO NOTHING"
                + " RETURNING event_id, seq", List.of(),
                column("text", id), column("text", dossier), column("text", type), column("timestamptz", occurredAt),
                column("text", source), column("text", payload)), rs -> { inserted.put(rs.getString(1), rs.getLong(2)); });
        return inserted;
    }

    /**
     * For each dossier and partner, the latest event the hub planned work for (what "in sync" means for it), in the
     * hub's order of a dossier's events: by when they happened, ties by the order the hub accepted them.
     */
    private void recordPlanned(List<Object[]> planned) {
        if (planned.isEmpty()) return;
        Map<String, Object[]> latest = new LinkedHashMap<>();
        for (Object[] p : planned) {
            latest.merge(p[0] + "\u0000" + p[1], p, (had, e) -> ((Timestamp) e[3]).before((Timestamp) had[3]) ? had : e);
        }
        int n = latest.size(), i = 0;
        String[] dossier = new String[n], partner = new String[n];
        Long[] seq = new Long[n];
        Timestamp[] at = new Timestamp[n];
        for (Object[] p : latest.values()) {
            dossier[i] = (String) p[0];
            partner[i] = (String) p[1];
            seq[i] = (Long) p[2];
            at[i++] = (Timestamp) p[3];
        }
        jdbc.update(ColumnArrays.statement("INSERT INTO dossier_partner_seq (dossier_code, partner, last_seq, last_event_at)"
                + " SELECT * FROM unnest(?::text[], ?::text[], ?::int8[], ?::timestamptz[]) ON CONFLICT (dossier_code, partner)"
                + " DO UPDATE SET last_seq = EXCLUDED.last_seq, last_event_at = EXCLUDED.last_event_at, planned_at = now()"
                + " WHERE (dossier_partner_seq.last_event_at, dossier_partner_seq.last_seq)"
                + " < (EXCLUDED.last_event_at, EXCLUDED.last_seq)", List.of(),
                column("text", dossier), column("text", partner), column("int8", seq), column("timestamptz", at)));
    }

    /**
     * Keeps the hub's view of each dossier: its latest event wins, in the hub's order of a dossier's events: by when
     * they happened and, when their times tie (one-stop systems stamp events to the second), by the order the hub
     * accepted them. One row per dossier in one statement (an upsert cannot touch a row twice).
     */
    private void updateDossiers(List<Valid> fresh) {
        if (fresh.isEmpty()) return;
        Map<String, Valid> latest = new LinkedHashMap<>();
        for (Valid v : fresh) {
            // fresh is in the batch's order, which is the order of seq: of two at the same instant, the later wins
            latest.merge(v.event().dossierCode(), v, (had, e) -> e.event().occurredAt().isBefore(had.event().occurredAt()) ? had : e);
        }
        int n = latest.size(), i = 0;
        String[] code = new String[n], procedure = new String[n], agency = new String[n], phone = new String[n],
                eventId = new String[n], eventType = new String[n];
        byte[][] snapshot = new byte[n][]; // as UTF-8 from the writer: the database gets bytes, a String would be encoded again
        Integer[] status = new Integer[n];
        Timestamp[] dueAt = new Timestamp[n], eventAt = new Timestamp[n];
        Long[] seq = new Long[n];
        for (Valid v : latest.values()) {
            DossierEvent e = v.event();
            seq[i] = v.seq();
            code[i] = e.dossierCode();
            status[i] = e.dossier().status();
            procedure[i] = e.dossier().procedureCode();
            agency[i] = e.dossier().agencyCode();
            phone[i] = e.dossier().applicant() == null ? null : Identifiers.localPhone(e.dossier().applicant().phone());
            dueAt[i] = e.dossier().dueAt() == null ? null : Timestamp.from(e.dossier().dueAt().toInstant());
            eventId[i] = e.eventId();
            eventType[i] = e.eventType().name();
            eventAt[i] = Timestamp.from(e.occurredAt().toInstant());
            snapshot[i] = toJsonUtf8(e.dossier());
            i++;
        }
        jdbc.update(ColumnArrays.statement("INSERT INTO dossier (code, status, procedure_code, agency_code, applicant_phone,"
                + " due_at, last_event_id, last_event_type, last_event_at, snapshot, last_seq) SELECT * FROM unnest(?::text[], ?::int[],"
                + " ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::int8[])"
                + " ON CONFLICT (code) DO UPDATE SET status = EXCLUDED.status, procedure_code = EXCLUDED.procedure_code,"
                + " agency_code = EXCLUDED.agency_code, applicant_phone = EXCLUDED.applicant_phone, due_at = EXCLUDED.due_at,"
                + " last_event_id = EXCLUDED.last_event_id, last_event_type = EXCLUDED.last_event_type,"
                + " last_event_at = EXCLUDED.last_event_at, snapshot = EXCLUDED.snapshot, last_seq = EXCLUDED.last_seq,"
                + " updated_at = now() WHERE (dossier.last_event_at, dossier.last_seq) < (EXCLUDED.last_event_at, EXCLUDED.last_seq)",
                List.of(),
                column("text", code), column("int4", status), column("text", procedure), column("text", agency),
                column("text", phone), column("timestamptz", dueAt), column("text", eventId), column("text", eventType),
                column("timestamptz", eventAt), column("text", snapshot), column("int8", seq)));
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

    private byte[] toJsonUtf8(Object o) {
        try {
            return json.writeValueAsBytes(o);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String textOrNull(com.fasterxml.jackson.databind.JsonNode n) {
        return n.isTextual() ? n.asText() : null;
    }
}
