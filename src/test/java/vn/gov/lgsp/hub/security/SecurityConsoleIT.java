package vn.gov.lgsp.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;

/** The console's browser login: a session cookie, CSRF on every form, the same roles as the API; the cookie is no API credential. */
@HubIntegrationTest
class SecurityConsoleIT {
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @LocalServerPort int port;

    private final HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void anOperatorSignsInSeesTheConsoleWithTheirRolesAndSignsOut() throws Exception {
        HttpResponse<String> before = get("/console");
        assertThat(before.statusCode()).isEqualTo(302);
        assertThat(before.headers().firstValue("Location").orElseThrow()).endsWith("/console/login");

        String password = SharedInfrastructure.get().issuer().password("operator");
        // without the form's CSRF token the sign-in is refused
        assertThat(post("/console/login", "username=operator&password=" + enc(password)).statusCode()).isEqualTo(403);
        // a wrong password goes back to the login page
        String csrf = csrf(get("/console/login"));
        HttpResponse<String> wrong = post("/console/login", "username=operator&password=wrong&_csrf=" + enc(csrf));
        assertThat(wrong.headers().firstValue("Location").orElseThrow()).endsWith("/console/login?error");

        csrf = csrf(get("/console/login"));
        HttpResponse<String> login = post("/console/login", "username=operator&password=" + enc(password) + "&_csrf=" + enc(csrf));
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location").orElseThrow()).endsWith("/console");

        HttpResponse<String> home = get("/console");
        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(home.body()).contains("LGSP console", "<span id=\"user\">operator</span>").containsPattern("<span id=\"roles\">[^<]*operator");
        assertThat(home.body()).containsPattern("id=\"roles\">[^<]*viewer").doesNotContain("auditor", "admin");
        assertThat(home.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(get("/console/me").body()).contains("\"name\":\"operator\"", "\"viewer\"");

        // the console's session is no credential for the API: it takes bearer tokens only
        assertThat(get("/api/v1/dead-letters").statusCode()).isEqualTo(401);

        csrf = csrf(get("/console/login"));
        assertThat(post("/console/logout", "_csrf=" + enc(csrf)).statusCode()).isEqualTo(302);
        assertThat(get("/console").statusCode()).isEqualTo(302);
    }

    @Test
    void aViewerSignsInWithViewerRightsOnly() throws Exception {
        String csrf = csrf(get("/console/login"));
        String password = SharedInfrastructure.get().issuer().password("viewer");
        assertThat(post("/console/login", "username=viewer&password=" + enc(password) + "&_csrf=" + enc(csrf)).statusCode()).isEqualTo(302);
        assertThat(get("/console/me").body()).contains("\"name\":\"viewer\"", "\"roles\":[\"viewer\"]");
    }

    private static String csrf(HttpResponse<String> page) {
        Matcher m = CSRF.matcher(page.body());
        assertThat(m.find()).as(page.body()).isTrue();
        return m.group(1);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String form) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
