package vn.gov.lgsp.hub.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenError;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * The 401 and 403 answers of the hub's API as problem+json (RFC 9457), with the RFC 6750 WWW-Authenticate header;
 * each refusal is counted and audited ({@link SecurityRefusals}). The detail never echoes the token.
 */
public final class ProblemResponses implements AuthenticationEntryPoint, AccessDeniedHandler {
    private final SecurityRefusals refusals;

    public ProblemResponses(SecurityRefusals refusals) {
        this.refusals = refusals;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e) throws IOException {
        String reason = reason(e);
        refusals.refuse(SecurityRefusals.endpointOf(request.getRequestURI()), "caller", reason,
                request.getMethod() + " " + request.getRequestURI());
        String header = "Bearer";
        if (!"missing_token".equals(reason)) header += " error=\"invalid_token\", error_description=\"the token is not valid for this hub\"";
        response.setHeader("WWW-Authenticate", header);
        write(response, HttpStatus.UNAUTHORIZED, "Authentication required",
                "missing_token".equals(reason) ? "A bearer token from the province's identity provider is required"
                        : "The bearer token was refused (" + reason.replace('_', ' ') + ")",
                "https://lgsp.gov.vn/problems/unauthenticated", request);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e) throws IOException {
        refusals.refuse(SecurityRefusals.endpointOf(request.getRequestURI()), "caller", "forbidden",
                Operators.current() + ": " + request.getMethod() + " " + request.getRequestURI());
        response.setHeader("WWW-Authenticate", "Bearer error=\"insufficient_scope\"");
        write(response, HttpStatus.FORBIDDEN, "Forbidden", "Your roles do not allow this request",
                "https://lgsp.gov.vn/problems/forbidden", request);
    }

    static String reason(AuthenticationException e) {
        if (e instanceof InvalidBearerTokenException || e instanceof OAuth2AuthenticationException) {
            String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase();
            if (m.contains("malformed") || m.contains("invalid unsecured") || m.contains("invalid json") || m.contains("header")) {
                return "malformed_token";
            }
            if (m.contains("expired")) return "expired_token";
            if (m.contains("iss")) return "wrong_issuer";
            if (m.contains("signature") || m.contains("jws") || m.contains("key")) return "bad_signature";
            if (e instanceof OAuth2AuthenticationException o && o.getError() instanceof BearerTokenError b
                    && "invalid_request".equals(b.getErrorCode())) return "malformed_token";
            return "invalid_token";
        }
        return "missing_token";
    }

    static void write(HttpServletResponse response, HttpStatus status, String title, String detail, String type,
                      HttpServletRequest request) throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        String body = "{\"type\":\"" + URI.create(type) + "\",\"title\":\"" + title + "\",\"status\":" + status.value()
                + ",\"detail\":\"" + json(detail) + "\",\"instance\":\"" + json(request.getRequestURI()) + "\"}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static String json(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.toString();
    }
}
