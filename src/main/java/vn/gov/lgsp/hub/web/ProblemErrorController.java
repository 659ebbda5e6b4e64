package vn.gov.lgsp.hub.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The error page for what never reaches Spring MVC's exception handling: servlets of their own (the Zalo webhook),
 * filters, {@code sendError} calls. Replaces Spring Boot's whitelabel/JSON error page with problem+json; an
 * infrastructure outage is a 503 with Retry-After here too.
 */
@RestController
public class ProblemErrorController implements ErrorController {
    private static final Logger log = LoggerFactory.getLogger(ProblemErrorController.class);

    @RequestMapping("${server.error.path:/error}")
    public ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        Throwable failure = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        if (code == null && failure == null) {
            return Problems.answer(HttpStatus.NOT_FOUND, "not-found", "No such resource.");
        }
        int status = code instanceof Integer i ? i : 500;
        if (failure != null) {
            String unavailable = Unavailability.of(failure);
            if (unavailable != null) {
                log.warn("request to {} not accepted: {} unavailable ({})", request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI),
                        unavailable, failure.toString());
                return Problems.unavailable("unavailable", "The hub cannot act on this request now: its " + unavailable
                        + " is not available. Nothing was accepted; send the same request again later.");
            }
        }
        HttpStatus known = HttpStatus.resolve(status);
        if (status >= 500) {
            String reference = UUID.randomUUID().toString();
            log.error("request to {} failed with {}, reference {}", request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI),
                    status, reference, failure);
            return Problems.answer(known == null ? HttpStatus.INTERNAL_SERVER_ERROR : known, "internal-error",
                    "The hub failed to handle this request; reference " + reference + " in its log.");
        }
        String detail = switch (status) {
            case 404 -> "No such resource.";
            case 405 -> "This method is not allowed on this resource.";
            case 413 -> "The request body is larger than the hub accepts.";
            case 415 -> "This content type is not accepted here.";
            default -> known == null ? "HTTP " + status : known.getReasonPhrase();
        };
        return Problems.answer(known == null ? HttpStatus.BAD_REQUEST : known, known == null ? "http-" + status : "http-" + status, detail);
    }
}
