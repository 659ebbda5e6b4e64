package vn.gov.lgsp.connector.vietinbank;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.LocalDate;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import vn.gov.lgsp.hub.web.Problems;

/** Operators: the reconciliation report of a statement date, and a manual (re-)run. */
@RestController
@Tag(name = vn.gov.lgsp.hub.ops.OpenApiConfig.TAG_OPERATIONS)
public class ReconciliationController {
    private final Reconciliation reconciliation;
    private final VietinbankProperties props;

    public ReconciliationController(Reconciliation reconciliation, VietinbankProperties props) {
        this.reconciliation = reconciliation;
        this.props = props;
    }

    @Operation(operationId = "reconciliationReport", summary = "VietinBank reconciliation report", description = "The report of a statement date (yyyy-MM-dd); 404 if not run.")
    @GetMapping("/api/v1/payments/reconciliation/{date}")
    public ResponseEntity<?> report(@PathVariable @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate date) {
        return reconciliation.report(date).<ResponseEntity<?>>map(ResponseEntity::ok)
                .orElseGet(() -> Problems.answer(HttpStatus.NOT_FOUND, "reconciliation-not-found", "No reconciliation of " + date + " yet."));
    }

    /**
     * Runs (again) now; 409 while another instance is running the same date, or when the statement service is not
     * configured (nothing to reconcile against); 503 when the bank's statement service does not answer (or answers
     * something that is not the statement of that date); 502 when the statement holds a value the hub cannot record.
     */
    @Operation(operationId = "runReconciliation", summary = "Run the VietinBank reconciliation", description = "Runs (again) now; 409 while another instance runs the same date or without a statement service configured; 503 when the bank does not answer or answers no statement of that date; 502 when the statement holds a value the hub cannot record.")
    @PostMapping("/api/v1/payments/reconciliation/{date}")
    public ResponseEntity<?> run(@PathVariable @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate date) {
        if (props.getStatementUrl() == null || props.getStatementUrl().isBlank()) {
            return Problems.answer(HttpStatus.CONFLICT, "not-configured", "Reconciliation needs the bank's statement service:"
                    + " hub.partners.vietinbank.statement-url (HUB_VIETINBANK_STATEMENT_URL) is not configured.");
        }
        try {
            return reconciliation.run(date, true).<ResponseEntity<?>>map(ResponseEntity::ok)
                    .orElseGet(() -> Problems.answer(HttpStatus.CONFLICT, "reconciliation-running",
                            "Another hub instance is reconciling " + date + " now."));
        } catch (IllegalStateException e) {
            if (e instanceof vn.gov.lgsp.hub.work.HubNotReadyException) throw e;
            // the statement could not be fetched or is not the one asked for (the run is recorded as FAILED): the
            // operator tries again later
            return Problems.unavailable("statement-unavailable", "The reconciliation of " + date + " failed: " + e.getMessage());
        } catch (org.springframework.dao.DataIntegrityViolationException e) {
            // the statement held a value the database refused (lines are checked first, so this is a gap in those
            // checks): the bank's data, not the operator's request, so not the generic 400 "invalid input"
            return Problems.answer(HttpStatus.BAD_GATEWAY, "statement-unusable", "The reconciliation of " + date
                    + " failed: the bank's statement holds a value the hub cannot record; the run is recorded as FAILED.");
        }
    }
}
