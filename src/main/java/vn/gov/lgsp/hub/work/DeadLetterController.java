package vn.gov.lgsp.hub.work;

import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import vn.gov.lgsp.hub.security.Operators;

/** Operators see what failed and why, and put it back on its queue. */
@RestController
public class DeadLetterController {
    private final DeadLetters deadLetters;

    public DeadLetterController(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    @GetMapping("/api/v1/dead-letters")
    public Object list(@RequestParam(required = false) String partner,
                       @RequestParam(required = false) String dossier,
                       @RequestParam(required = false, defaultValue = "OPEN") String status,
                       @RequestParam(defaultValue = "100") int limit) {
        if (limit < 1) return problem(HttpStatus.BAD_REQUEST, "limit must be at least 1");
        return deadLetters.list(partner, dossier, "ALL".equalsIgnoreCase(status) ? null : status.toUpperCase(), Math.min(limit, 1000));
    }

    /** The operator's name comes from the caller's token (preferred_username, else sub), never from a header. */
    @PostMapping("/api/v1/dead-letters/{id}/replay")
    public ResponseEntity<?> replay(@PathVariable long id) {
        return switch (deadLetters.replay(id, Operators.current())) {
            case REPLAYED -> ResponseEntity.accepted().body(Map.of("id", id, "status", "REPLAYED"));
            case NOT_FOUND -> problem(HttpStatus.NOT_FOUND, "No dead letter " + id);
            case NOT_OPEN -> problem(HttpStatus.CONFLICT, "Dead letter " + id + " was already replayed");
        };
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail) {
        return vn.gov.lgsp.hub.web.Problems.answer(status, "dead-letter", detail);
    }
}
