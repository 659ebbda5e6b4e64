package vn.gov.lgsp.connector.tax;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import vn.gov.lgsp.connector.tax.wsdl.DeclarationState;
import vn.gov.lgsp.connector.tax.wsdl.GetDeclarationState;
import vn.gov.lgsp.connector.tax.wsdl.GetDeclarationStateResponse;
import vn.gov.lgsp.hub.audit.AuditEntry;
import vn.gov.lgsp.hub.audit.AuditLog;

/**
 * Declarations the tax office has not answered within {@code answer-timeout}: every {@code overdue-check-interval}
 * the hub asks for their state (GetDeclarationState). An answer found there is applied like a callback; otherwise the
 * declaration is recorded OVERDUE (with why), counted ({@code hub_tax_overdue_total}, gauge
 * {@code hub_tax_declarations_overdue}) and listed by {@code GET /api/v1/tax/overdue}. A late callback still applies.
 */
@Component
@RestController
public class TaxOverdue {
    private static final Logger log = LoggerFactory.getLogger(TaxOverdue.class);

    private final JdbcTemplate jdbc;
    private final TaxOfficeClient client;
    private final TaxAnswers answers;
    private final AuditLog audit;
    private final Counter overdueTotal;
    private final AtomicLong overdueNow = new AtomicLong();

    public TaxOverdue(JdbcTemplate jdbc, TaxOfficeClient client, TaxAnswers answers, AuditLog audit, MeterRegistry metrics) {
        this.jdbc = jdbc;
        this.client = client;
        this.answers = answers;
        this.audit = audit;
        this.overdueTotal = Counter.builder("hub.tax.overdue").description("Tax declarations recorded overdue").register(metrics);
        Gauge.builder("hub.tax.declarations.overdue", overdueNow, AtomicLong::get)
                .description("Tax declarations overdue now (no answer after the state query)").register(metrics);
    }

    @net.javacrumbs.shedlock.spring.annotation.SchedulerLock(name = "tax-overdue-sweep") // one instance at a time (vn.gov.lgsp.hub.cluster.SingletonJobs)
    @Scheduled(initialDelayString = "${hub.partners.tax.overdue-check-interval:PT5M}", fixedDelayString = "${hub.partners.tax.overdue-check-interval:PT5M}")
    public void sweep() {
        try {
            check();
        } catch (RuntimeException e) {
            log.warn("tax overdue check failed: {}", e.toString());
        }
    }

    /** One pass: returns how many declarations were looked at. */
    public int check() {
        List<Map<String, Object>> due = jdbc.queryForList("SELECT document_id, dossier_code, receipt_number FROM tax_declaration"
                + " WHERE state = 'SUBMITTED' AND answer_due_at < now() ORDER BY answer_due_at LIMIT 100");
        for (Map<String, Object> row : due) {
            String documentId = (String) row.get("document_id");
            String dossier = (String) row.get("dossier_code");
            String reason;
            try {
                GetDeclarationState q = new GetDeclarationState();
                q.setDossierCode(dossier);
                q.setDocumentId(documentId);
                q.setReceiptNumber((String) row.get("receipt_number"));
                GetDeclarationStateResponse r = client.state(q);
                if ((r.getState() == DeclarationState.NOTICE_ISSUED || r.getState() == DeclarationState.REJECTED)
                        && (r.getNotice() != null || r.getRejection() != null)) {
                    answers.apply(null, r.getNotice(), r.getRejection(), r.getEdXML(), "STATE_QUERY");
                    continue;
                }
                reason = "no answer after " + "the state query: the tax office reports " + r.getState();
            } catch (TaxAnswers.Refused e) {
                // refused (and audited) as a callback would be: the declaration waits for an operator, not another query
                reason = "the answer found by the state query was refused: " + e.code() + ": " + e.getMessage();
            } catch (org.springframework.dao.DataAccessException e) {
                // the reason is shown to operators (GET /api/v1/tax/overdue): the database's text stays in the log
                log.warn("tax declaration {}: the answer of the state query could not be recorded", documentId, e);
                reason = "the hub could not record the answer found by the state query (database error, see the hub's log)";
            } catch (Exception e) {
                reason = "the state query failed: " + e.getMessage();
            }
            int n = jdbc.update("UPDATE tax_declaration SET state = 'OVERDUE', state_queried_at = now(), overdue_at = now(), overdue_reason = ?"
                    + " WHERE document_id = ? AND state = 'SUBMITTED'", reason, documentId);
            if (n == 1) {
                overdueTotal.increment();
                audit.record(AuditEntry.internal(TaxAnswers.PARTY, dossier, "TAX_DECLARATION_OVERDUE", "OVERDUE", documentId, reason));
                log.warn("tax declaration {} of dossier {} is overdue: {}", documentId, dossier, reason);
            }
        }
        refreshGauge();
        return due.size();
    }

    void refreshGauge() {
        Long n = jdbc.queryForObject("SELECT count(*) FROM tax_declaration WHERE state = 'OVERDUE'", Long.class);
        overdueNow.set(n == null ? 0 : n);
    }

    /** Operators: the declarations the tax office has not answered in time. */
    @GetMapping(path = "/api/v1/tax/overdue", produces = "application/json")
    public List<Map<String, Object>> overdue() {
        return jdbc.query("SELECT document_id, dossier_code, receipt_number, submitted_at, answer_due_at, state_queried_at, overdue_at,"
                + " overdue_reason FROM tax_declaration WHERE state = 'OVERDUE' ORDER BY overdue_at", (rs, i) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("documentId", rs.getString("document_id"));
                    m.put("dossierCode", rs.getString("dossier_code"));
                    m.put("receiptNumber", rs.getString("receipt_number"));
                    m.put("submittedAt", instant(rs.getTimestamp("submitted_at")));
                    m.put("answerDueAt", instant(rs.getTimestamp("answer_due_at")));
                    m.put("stateQueriedAt", instant(rs.getTimestamp("state_queried_at")));
                    m.put("overdueAt", instant(rs.getTimestamp("overdue_at")));
                    m.put("reason", rs.getString("overdue_reason"));
                    return m;
                });
    }

    private static String instant(Timestamp t) {
        return t == null ? null : t.toInstant().toString();
    }
}
