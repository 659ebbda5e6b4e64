package vn.gov.lgsp.hub.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/**
 * The one error shape of the hub's HTTP interface: RFC 9457 problem+json with a human-readable {@code detail}.
 * Used by Spring MVC handlers ({@link ApiProblems}), by what never reaches Spring MVC (the size filter, the error
 * page, Tomcat's own error reports) and by the controllers. A detail never carries a stack trace or SQL.
 */
public final class Problems {
    public static final String TYPE_BASE = "https://lgsp.gov.vn/problems/";
    /** How long a client should wait before retrying when the hub cannot make its request durable right now. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Problems() {}

    public static ProblemDetail of(HttpStatusCode status, String type, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(URI.create(TYPE_BASE + type));
        HttpStatus known = HttpStatus.resolve(status.value());
        p.setTitle(known == null ? "HTTP " + status.value() : known.getReasonPhrase());
        return p;
    }

    public static ResponseEntity<ProblemDetail> answer(HttpStatusCode status, String type, String detail) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(of(status, type, detail));
    }

    /** 503 with Retry-After: the request was not acted on; the same request later is safe (eventIds dedupe). */
    public static ResponseEntity<ProblemDetail> unavailable(String type, String detail) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER.toSeconds()))
                .body(of(HttpStatus.SERVICE_UNAVAILABLE, type, detail));
    }

    /** Writes a problem straight onto a servlet response (filters, error pages, Tomcat valves). */
    public static void write(HttpServletResponse response, int status, String type, String detail) throws IOException {
        if (response.isCommitted()) return;
        response.resetBuffer();
        response.setStatus(status);
        if (status == 503) response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER.toSeconds()));
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        byte[] body = json(status, type, detail);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }

    static byte[] json(int status, String type, String detail) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", TYPE_BASE + type);
        HttpStatus known = HttpStatus.resolve(status);
        n.put("title", known == null ? "HTTP " + status : known.getReasonPhrase());
        n.put("status", status);
        n.put("detail", detail);
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
