package vn.gov.lgsp.hub.infra;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.web.client.RestTemplateBuilder;
import org.springframework.http.HttpHeaders;

/**
 * Tokens of the tests' identity provider ({@link DemoIssuer}, started with the shared infrastructure), and HTTP
 * clients presenting them: {@code TestTokens.as(http, TestTokens.operator())}.
 */
public final class TestTokens {
    private TestTokens() {}

    private static final Duration TTL = Duration.ofMinutes(30);

    private static DemoIssuer issuer() {
        return SharedInfrastructure.get().issuer();
    }

    public static String viewer() { return user("viewer"); }
    public static String operator() { return user("operator"); }
    public static String auditor() { return user("auditor"); }
    public static String admin() { return user("admin"); }

    /** A person holding the role of the same name (viewer, operator, auditor, admin). */
    public static String user(String role) {
        return issuer().mint("test-" + role, List.of(role), "openid profile", TTL);
    }

    /** The one-stop system's client-credentials token (role onestop, scope dossier-events:write). */
    public static String onestop() {
        return issuer().mint("service-account-onestop", List.of("onestop"), "dossier-events:write", TTL);
    }

    /** The Prometheus scraper's token (role metrics). */
    public static String metrics() {
        return issuer().mint("service-account-prometheus", List.of("metrics"), "", TTL);
    }

    /** An admin token signed with a key the hub does not trust. */
    public static String forged() {
        DemoIssuer i = issuer();
        return DemoIssuer.sign(i.forgersKey(), i.issuer(), "mallory", List.of("admin"), "dossier-events:write", Instant.now(), TTL);
    }

    /** An admin token of the right issuer and key that expired an hour ago. */
    public static String expired() {
        DemoIssuer i = issuer();
        return DemoIssuer.sign(i.key(), i.issuer(), "test-admin", List.of("admin"), "", Instant.now().minus(Duration.ofHours(2)), Duration.ofHours(1));
    }

    /** An admin token signed with the right key but naming another issuer. */
    public static String wrongIssuer() {
        DemoIssuer i = issuer();
        return DemoIssuer.sign(i.key(), "https://sso.elsewhere.example/realms/lgsp", "test-admin", List.of("admin"), "", Instant.now(), TTL);
    }

    public static HttpHeaders bearer(String token) {
        HttpHeaders h = new HttpHeaders();
        h.setBearerAuth(token);
        return h;
    }

    /** A client of the same hub that presents {@code token} on every request. */
    public static TestRestTemplate as(TestRestTemplate http, String token) {
        return new TestRestTemplate(new RestTemplateBuilder().rootUri(http.getRootUri())
                .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token));
    }
}
