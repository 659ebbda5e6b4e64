package vn.gov.lgsp.connector.vietinbank;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import vn.gov.lgsp.hub.http.PartnerHttp;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import vn.gov.lgsp.connector.vietinbank.PaymentApplier.Result;
import vn.gov.lgsp.connector.vietinbank.PaymentApplier.Txn;
import vn.gov.lgsp.connector.vietinbank.VietinbankReply.Code;
import vn.gov.lgsp.hub.audit.AuditEntry;
import vn.gov.lgsp.hub.audit.AuditLog;
import vn.gov.lgsp.hub.work.DossierUpdates;

/**
 * Daily reconciliation of the bank's statement with the applied payments.
 *
 * <p>One run per statement date cluster-wide: the run row of that date is locked FOR UPDATE SKIP LOCKED for the
 * whole run, so a second instance skips instead of waiting, and a finished date is not run again by the
 * schedule. Each statement line missing on our side is applied in its own transaction through the same
 * {@link PaymentApplier} as the IPN (same unique keys), so a line is applied once however often the run
 * repeats or races with a late notification.
 */
@Component
public class Reconciliation {
    private static final Logger log = LoggerFactory.getLogger(Reconciliation.class);
    public static final String SOURCE = "RECONCILIATION";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate runTx;
    private final TransactionTemplate lineTx;
    private final PaymentApplier applier;
    private final AuditLog audit;
    private final VietinbankProperties props;
    private final UpdateOutboxRelay relay;
    private final ObjectMapper json;
    /** One statement a day: one connection; the bank may take its time building it. */
    private final CloseableHttpClient http = PartnerHttp.client(1, Duration.ofSeconds(10), Duration.ofSeconds(60));

    public Reconciliation(JdbcTemplate jdbc, PlatformTransactionManager txManager, PaymentApplier applier, AuditLog audit,
                          VietinbankProperties props, UpdateOutboxRelay relay, ObjectMapper json) {
        this.jdbc = jdbc;
        this.runTx = new TransactionTemplate(txManager);
        this.lineTx = new TransactionTemplate(txManager);
        this.lineTx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.applier = applier;
        this.audit = audit;
        this.props = props;
        this.relay = relay;
        this.json = json;
    }

    public record Line(String transId, String transTime, String custCode, String amount, String bankTransId) {}

    public record Finding(String transId, String custCode, String dossierCode, Long amount, Long owed, String kind, String detail) {}

    public record Report(LocalDate date, String status, int runs, int statementLines, int matched,
                         List<Finding> applied, List<Finding> problems) {}

    /** Outcome of a run request: the report, or empty when another instance holds the date. */
    public Optional<Report> run(LocalDate date, boolean force) {
        jdbc.update("INSERT INTO vtb_reconciliation_run (statement_date, status) VALUES (?, 'PENDING') ON CONFLICT DO NOTHING",
                Date.valueOf(date));
        try {
            return runTx.execute(s -> {
                List<String> claimed = jdbc.queryForList("SELECT status FROM vtb_reconciliation_run WHERE statement_date = ?"
                        + " FOR UPDATE SKIP LOCKED", String.class, Date.valueOf(date));
                if (claimed.isEmpty()) return Optional.<Report>empty(); // another instance is running this date
                if ("DONE".equals(claimed.get(0)) && !force) return report(date);
                Report r = reconcile(date, fetch(date));
                jdbc.update("UPDATE vtb_reconciliation_run SET status = 'DONE', runs = runs + 1, started_at = coalesce(started_at, now()),"
                        + " finished_at = now(), statement_lines = ?, matched = ?, applied = ?, problems = ?, report = ?"
                        + " WHERE statement_date = ?", r.statementLines(), r.matched(), r.applied().size(), r.problems().size(),
                        toJson(r), Date.valueOf(date));
                AuditEntry summary = AuditEntry.internal(PaymentRequests.PARTNER, null, "RECONCILIATION", "DONE", date.toString(),
                        r.statementLines() + " statement lines, " + r.matched() + " matched, " + r.applied().size()
                                + " applied by reconciliation, " + r.problems().size() + " problems");
                audit.appendInCurrentTransaction(List.of(summary));
                audit.count(List.of(summary));
                return report(date);
            });
        } catch (RuntimeException e) {
            log.error("vietinbank reconciliation of {} failed: {}", date, e.toString());
            jdbc.update("UPDATE vtb_reconciliation_run SET status = 'FAILED', runs = runs + 1, finished_at = now(),"
                    + " report = ? WHERE statement_date = ? AND status <> 'DONE'",
                    toJson(Map.of("error", String.valueOf(e.getMessage()))), Date.valueOf(date));
            throw e;
        }
    }

    /** The schedule reconciles yesterday (Vietnam time). */
    @Scheduled(cron = "${hub.partners.vietinbank.reconciliation-cron:0 30 1 * * *}", zone = "Asia/Ho_Chi_Minh")
    // one instance at a time (vn.gov.lgsp.hub.cluster.SingletonJobs); held a minute at least, so an instance whose
    // clock is a little late does not start the day's run again after a quick one finished
    @SchedulerLock(name = "vietinbank-reconciliation", lockAtLeastFor = "PT1M")
    public void daily() {
        LocalDate yesterday = LocalDate.now(DossierUpdates.VIETNAM).minusDays(1);
        try {
            run(yesterday, false).ifPresentOrElse(
                    r -> log.info("vietinbank reconciliation {}: {} lines, {} applied, {} problems", yesterday,
                            r.statementLines(), r.applied().size(), r.problems().size()),
                    () -> log.info("vietinbank reconciliation {} is being run by another instance", yesterday));
        } catch (RuntimeException e) {
            // already logged and recorded as FAILED; operators re-run it through the API
        }
    }

    private Report reconcile(LocalDate date, List<Line> lines) {
        int matched = 0;
        List<Finding> applied = new ArrayList<>();
        List<Finding> problems = new ArrayList<>();
        Set<String> inStatement = new HashSet<>();
        for (Line l : lines) {
            inStatement.add(l.transId());
            Long amount = l.amount() != null && l.amount().matches("\\d{1,15}") ? Long.parseLong(l.amount()) : null;
            OffsetDateTime time;
            try {
                time = PaymentNotifications.transTime(l.transTime());
            } catch (RuntimeException e) {
                time = null;
            }
            // checked before any query: a line the hub cannot record (an id too long for its column, a NUL) is that
            // line's problem, not a failure of the whole date on every run
            String invalid = PaymentApplier.invalidIds(l.transId(), l.custCode(), l.bankTransId());
            if (invalid == null && (amount == null || time == null)) invalid = "amount or transTime missing or malformed";
            if (invalid != null) {
                problems.add(new Finding(l.transId(), l.custCode(), null, amount, null, "INVALID_LINE", "incomplete statement line: " + invalid));
                continue;
            }
            List<Map<String, Object>> ours = jdbc.queryForList("SELECT cust_code, amount, dossier_code FROM vtb_transaction WHERE trans_id = ?", l.transId());
            if (!ours.isEmpty()) {
                Map<String, Object> o = ours.get(0);
                long ourAmount = ((Number) o.get("amount")).longValue();
                if (ourAmount == amount && l.custCode().equals(o.get("cust_code"))) {
                    matched++;
                } else {
                    problems.add(new Finding(l.transId(), l.custCode(), (String) o.get("dossier_code"), amount, ourAmount, "MISMATCH",
                            "applied as " + o.get("cust_code") + " / " + ourAmount + " VND, statement says " + l.custCode() + " / " + amount));
                }
                continue;
            }
            Txn t = new Txn(l.transId(), l.custCode(), amount, time, l.bankTransId());
            Result r = lineTx.execute(s -> {
                Result res = applier.apply(t, SOURCE);
                AuditEntry e = AuditEntry.internal(PaymentRequests.PARTNER, res.dossierCode(), "RECONCILIATION_LINE",
                        res.code() == Code.ACCEPTED ? "APPLIED_BY_RECONCILIATION" : res.code().name(), t.transId(),
                        "statement " + date + ": " + t.custCode() + " " + t.amount() + " VND: " + res.detail());
                audit.appendInCurrentTransaction(List.of(e));
                audit.count(List.of(e));
                return res;
            });
            switch (r.code()) {
                case ACCEPTED -> applied.add(new Finding(t.transId(), t.custCode(), r.dossierCode(), amount, r.owed(), "APPLIED", "notification never arrived"));
                case DUPLICATE -> matched++; // the notification won the race
                default -> problems.add(new Finding(t.transId(), t.custCode(), r.dossierCode(), amount, r.owed(), r.code().name(), r.detail()));
            }
        }
        if (!applied.isEmpty()) relay.wake();
        // applied on our side but missing from the bank's statement: money the bank does not confirm
        OffsetDateTime from = date.atStartOfDay(DossierUpdates.VIETNAM).toOffsetDateTime();
        List<Map<String, Object>> ours = jdbc.queryForList("SELECT trans_id, cust_code, dossier_code, amount FROM vtb_transaction"
                + " WHERE trans_time >= ? AND trans_time < ?", Timestamp.from(from.toInstant()), Timestamp.from(from.plusDays(1).toInstant()));
        for (Map<String, Object> o : ours) {
            if (!inStatement.contains((String) o.get("trans_id"))) {
                problems.add(new Finding((String) o.get("trans_id"), (String) o.get("cust_code"), (String) o.get("dossier_code"),
                        ((Number) o.get("amount")).longValue(), null, "NOT_IN_STATEMENT", "applied by the hub, absent from the bank's statement"));
            }
        }
        return new Report(date, "DONE", 0, lines.size(), matched, applied, problems);
    }

    /** GET {statementUrl}/{yyyy-MM-dd}: the format is in connectors/vietinbank/README.md. */
    List<Line> fetch(LocalDate date) {
        if (props.getStatementUrl() == null || props.getStatementUrl().isBlank()) {
            throw new IllegalStateException("hub.partners.vietinbank.statement-url is not configured");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        if (props.getClientId() != null) headers.put("x-ibm-client-id", props.getClientId());
        if (props.getClientSecret() != null) headers.put("x-ibm-client-secret", props.getClientSecret());
        try {
            PartnerHttp.Answer resp = PartnerHttp.get(http, URI.create(props.getStatementUrl() + "/" + date), headers);
            if (resp.status() != 200) throw new IllegalStateException("statement service answered HTTP " + resp.status());
            JsonNode doc = json.readTree(resp.body());
            // a reply that is not the statement asked for is a failed run (retried), never an empty statement: a
            // date marked DONE on nothing would hide that day's lost notifications for good
            JsonNode transactions = doc == null ? null : doc.get("transactions");
            if (transactions == null || !transactions.isArray()) {
                throw new IllegalStateException("statement of " + date + " has no transactions array");
            }
            String statementDate = text(doc, "date");
            if (statementDate != null && !statementDate.equals(date.toString())) {
                throw new IllegalStateException("statement asked for " + date + " is of " + statementDate);
            }
            String accountId = text(doc, "accountId");
            if (accountId != null && !accountId.equals(props.getAccount()) && !accountId.equals(props.getVirtualAccount())) {
                throw new IllegalStateException("statement of " + date + " is of another account");
            }
            List<Line> lines = new ArrayList<>();
            for (JsonNode t : transactions) {
                lines.add(new Line(text(t, "transId"), text(t, "transTime"), text(t, "custCode"), text(t, "amount"), text(t, "bankTransId")));
            }
            return lines;
        } catch (IOException e) {
            throw new IllegalStateException("statement of " + date + " unavailable: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    public Optional<Report> report(LocalDate date) {
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT status, runs, report FROM vtb_reconciliation_run WHERE statement_date = ?",
                Date.valueOf(date));
        if (rows.isEmpty()) return Optional.empty();
        Map<String, Object> r = rows.get(0);
        String text = (String) r.get("report");
        String status = (String) r.get("status");
        int runs = ((Number) r.get("runs")).intValue();
        if (text == null || !"DONE".equals(status)) return Optional.of(new Report(date, status, runs, 0, 0, List.of(), List.of()));
        try {
            Report stored = json.readValue(text, Report.class);
            return Optional.of(new Report(date, status, runs, stored.statementLines(), stored.matched(), stored.applied(), stored.problems()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String toJson(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
