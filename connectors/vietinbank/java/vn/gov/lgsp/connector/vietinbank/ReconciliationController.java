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

/** Operators: the reconciliation report of a statement date, and a manual (re-)run. */
@RestController
@Tag(name = vn.gov.lgsp.hub.ops.OpenApiConfig.TAG_OPERATIONS)
public class ReconciliationController {
    private final Reconciliation reconciliation;

    public ReconciliationController(Reconciliation reconciliation) {
        this.reconciliation = reconciliation;
    }

    @Operation(operationId = "reconciliationReport", summary = "VietinBank reconciliation report", description = "The report of a statement date (yyyy-MM-dd); 404 if not run.")
    @GetMapping("/api/v1/payments/reconciliation/{date}")
    public ResponseEntity<Reconciliation.Report> report(@PathVariable @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate date) {
        return ResponseEntity.of(reconciliation.report(date));
    }

    /** Runs (again) now; 409 while another instance is running the same date. */
    @Operation(operationId = "runReconciliation", summary = "Run the VietinBank reconciliation", description = "Runs (again) now; 409 while another instance runs the same date.")
    @PostMapping("/api/v1/payments/reconciliation/{date}")
    public ResponseEntity<Reconciliation.Report> run(@PathVariable @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate date) {
        return reconciliation.run(date, true).map(ResponseEntity::ok)
                .orElseGet(() -> ResponseEntity.status(HttpStatus.CONFLICT).build());
    }
}
