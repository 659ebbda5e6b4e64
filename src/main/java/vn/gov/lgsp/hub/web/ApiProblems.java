package vn.gov.lgsp.hub.web;

import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.lang.Nullable;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every failure of a Spring MVC endpoint becomes problem+json: Spring's own (404 unknown path, 405 wrong method,
 * 415 content type, 400 unreadable body, bad path variable or query parameter, 413) through the base class, an
 * outage of the database, the broker or the routing as 503 with Retry-After (nothing was acknowledged: the same
 * request later is safe), and anything else as a 500 whose detail is a reference to the log line, never the
 * exception's text (it may hold SQL or personal data).
 */
@RestControllerAdvice
public class ApiProblems extends ResponseEntityExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiProblems.class);
    private final org.springframework.beans.factory.ObjectProvider<vn.gov.lgsp.hub.work.BrokerAvailability> broker;

    public ApiProblems(org.springframework.beans.factory.ObjectProvider<vn.gov.lgsp.hub.work.BrokerAvailability> broker) {
        this.broker = broker;
    }

    @ExceptionHandler(Exception.class)
    public ResponseEntity<ProblemDetail> failure(Exception e) {
        String unavailable = Unavailability.of(e);
        if (unavailable != null) {
            log.warn("request not accepted: {} unavailable ({})", unavailable, e.toString());
            // the next requests are answered at once while the broker is gone, rather than each waiting for it
            broker.ifAvailable(b -> b.failed(e));
            return Problems.unavailable("unavailable", "The hub cannot act on this request now: its " + unavailable
                    + " is not available. Nothing was accepted; send the same request again later.");
        }
        if (e instanceof DataIntegrityViolationException integrity) {
            // input that the endpoint's own checks let through but the database refused (a value too long, ...)
            log.warn("request refused by the database: {}", integrity.getMostSpecificCause().getClass().getSimpleName());
            return Problems.answer(HttpStatus.BAD_REQUEST, "invalid-input",
                    "A value of the request does not fit the hub's records (too long or out of range).");
        }
        String reference = UUID.randomUUID().toString();
        log.error("request failed, reference {}", reference, e);
        return Problems.answer(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error",
                "The hub failed to handle this request; reference " + reference + " in its log.");
    }

    /** Spring's own problems, with the problem+json content type whatever the client asked for. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, @Nullable Object body, HttpHeaders headers,
                                                             HttpStatusCode status, WebRequest request) {
        if (body == null) body = Problems.of(status, "http-" + status.value(), HttpStatus.resolve(status.value()) == null
                ? "HTTP " + status.value() : HttpStatus.resolve(status.value()).getReasonPhrase());
        if (body instanceof ProblemDetail p && (p.getDetail() == null || p.getDetail().isBlank())) {
            p.setDetail(p.getTitle() == null ? "HTTP " + status.value() : p.getTitle());
        }
        HttpHeaders h = new HttpHeaders();
        h.addAll(headers);
        h.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return super.handleExceptionInternal(ex, body, h, status, request);
    }
}
