package vn.gov.lgsp.hub.satisfaction;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import vn.gov.lgsp.hub.ops.OpenApiConfig;
import vn.gov.lgsp.hub.web.Problems;
import vn.gov.lgsp.hub.work.DossierUpdates;

/** Citizens' satisfaction for operators (viewer role): aggregates only, no personal data. */
@RestController
@Tag(name = OpenApiConfig.TAG_OPERATIONS)
public class SatisfactionController {
    /** Longest period one report covers. */
    static final int MAX_DAYS = 3 * 366;

    private final SatisfactionReport report;

    public SatisfactionController(SatisfactionReport report) {
        this.report = report;
    }

    @GetMapping("/api/v1/satisfaction")
    @Operation(summary = "Citizen satisfaction",
            description = "Over the dossiers whose result reached the citizen from `from` to `to` (inclusive dates, Asia/Ho_Chi_Minh;"
                    + " default: the last 12 months): in total, per month, per procedure, per agency and per (month, procedure,"
                    + " agency), the dossiers returned (invitations), ratings, shareRated, averageStars, satisfied (4-5 stars),"
                    + " shareSatisfied and the count per star; and the low ratings (1-2 stars), newest first, with their reasons"
                    + " and masked comments (at most hub.satisfaction.low-ratings-limit; lowRatingsTruncated says when more exist)."
                    + " 400 for a bad date, from after to, or a period over 3 years.")
    public ResponseEntity<?> satisfaction(
            @Parameter(description = "first day, yyyy-MM-dd") @RequestParam(required = false) String from,
            @Parameter(description = "last day, yyyy-MM-dd (inclusive)") @RequestParam(required = false) String to,
            @Parameter(description = "procedure code (e.g. 1.001234)") @RequestParam(required = false) String procedure,
            @Parameter(description = "agency code (receiving agency)") @RequestParam(required = false) String agency) {
        LocalDate today = LocalDate.now(DossierUpdates.VIETNAM);
        LocalDate end;
        LocalDate start;
        try {
            end = to == null || to.isBlank() ? today : LocalDate.parse(to.trim());
        } catch (DateTimeParseException e) {
            return bad("to is not a date (yyyy-MM-dd): " + cut(to));
        }
        try {
            start = from == null || from.isBlank() ? end.minusMonths(11).withDayOfMonth(1) : LocalDate.parse(from.trim());
        } catch (DateTimeParseException e) {
            return bad("from is not a date (yyyy-MM-dd): " + cut(from));
        }
        if (start.isAfter(end)) return bad("from (" + start + ") is after to (" + end + ")");
        if (start.plusDays(MAX_DAYS).isBefore(end)) return bad("the period is longer than 3 years: ask for less");
        String p = blankToNull(procedure);
        String a = blankToNull(agency);
        if ((p != null && p.length() > 64) || (a != null && a.length() > 64)) return bad("procedure and agency codes have at most 64 characters");
        return ResponseEntity.ok(report.report(start, end, p, a));
    }

    private static ResponseEntity<?> bad(String detail) {
        return Problems.answer(HttpStatus.BAD_REQUEST, "satisfaction", detail);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static String cut(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
