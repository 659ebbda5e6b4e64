package vn.gov.lgsp.hub.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;
import vn.gov.lgsp.hub.infra.TestTokens;

/**
 * Every HTTP endpoint of the hub (Spring MVC and actuator handler mappings, plus registered servlets), called as
 * anonymous, viewer, operator, auditor and admin (and the one-stop and Prometheus clients), against the rule table
 * below: a new endpoint without a rule here fails this test. Every JSON answer is scanned for unmasked personal
 * data (the dossier's own citizen ID, phone, street address and the applicant's full name, and any 12-digit or
 * 10-digit number standing alone).
 */
@HubIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationMatrixIT {
    /** Who may call: a role (with the roles that imply it), or a kind of access of its own. */
    enum Rule { DENIED, PUBLIC, PARTNER, CONSOLE, CONSOLE_ACTION, CONSOLE_LOGIN, API_DOCS, VIEWER, OPERATOR, AUDITOR, ADMIN, METRICS, ONESTOP }

    /** METHOD + pattern as the handler mappings name them. */
    private static final Map<String, Rule> RULES = new LinkedHashMap<>();
    static {
        RULES.put("POST /api/v1/dossier-events", Rule.ONESTOP);
        RULES.put("GET /api/v1/rejected-messages", Rule.VIEWER);
        RULES.put("GET /api/v1/dossiers/{code}/timeline", Rule.VIEWER);
        RULES.put("GET /api/v1/dead-letters", Rule.VIEWER);
        RULES.put("POST /api/v1/dead-letters/{id}/replay", Rule.OPERATOR);
        RULES.put("GET /api/v1/portal/sync-status", Rule.VIEWER);
        RULES.put("POST /api/v1/portal/resync/{dossier}", Rule.OPERATOR);
        RULES.put("GET /api/v1/payments/reconciliation/{date}", Rule.VIEWER);
        RULES.put("POST /api/v1/payments/reconciliation/{date}", Rule.OPERATOR);
        RULES.put("GET /api/v1/audit/verify", Rule.AUDITOR);
        // personal data unmasked: auditors, with a reason in the body ("{}" here: refused 400, nothing shown)
        RULES.put("POST /api/v1/personal-data/dossiers/{code}/reveal", Rule.AUDITOR);
        RULES.put("POST /api/v1/personal-data/exports", Rule.AUDITOR);
        RULES.put("GET /api/v1/tax/overdue", Rule.VIEWER);
        RULES.put("GET /api/v1/satisfaction", Rule.VIEWER);
        // citizens' rating page: the one-time token in the link is its key
        RULES.put("GET /rate/{token}", Rule.PUBLIC);
        RULES.put("POST /rate/{token}", Rule.PUBLIC);
        RULES.put("POST /api/v1/partners/vnpost/status", Rule.PARTNER);
        RULES.put("POST /api/v1/partners/vietinbank/notifications", Rule.PARTNER);
        RULES.put("GET /api/v1/partners/sms/dlr", Rule.PARTNER);
        RULES.put("POST /api/v1/partners/zalo/webhook", Rule.PARTNER);
        RULES.put("GET /console", Rule.CONSOLE);
        RULES.put("GET /console/me", Rule.CONSOLE);
        RULES.put("GET /console/api/overview", Rule.CONSOLE);
        RULES.put("GET /console/dossiers", Rule.CONSOLE);
        RULES.put("GET /console/dead-letters", Rule.CONSOLE);
        RULES.put("POST /console/dead-letters/{id}/replay", Rule.CONSOLE_ACTION);
        RULES.put("GET /console/audit", Rule.CONSOLE);
        RULES.put("POST /console/audit/verify", Rule.CONSOLE_ACTION);
        RULES.put("GET /console/login", Rule.CONSOLE_LOGIN);
        RULES.put("GET /swagger-ui.html", Rule.API_DOCS);
        RULES.put("GET /v3/api-docs", Rule.API_DOCS);
        RULES.put("GET /v3/api-docs/swagger-config", Rule.API_DOCS);
        RULES.put("GET /v3/api-docs.yaml", Rule.DENIED);
        RULES.put("GET /error", Rule.PUBLIC);
        RULES.put("POST /error", Rule.PUBLIC);
        RULES.put("GET /actuator", Rule.ADMIN);
        RULES.put("GET /actuator/health", Rule.PUBLIC);
        RULES.put("GET /actuator/health/**", Rule.ADMIN);
        // the SOAP transport CXF registers: the hub serves no SOAP endpoint, so nobody may call it
        RULES.put("POST /services", Rule.DENIED);
        RULES.put("GET /actuator/info", Rule.ADMIN);
        RULES.put("GET /actuator/metrics", Rule.ADMIN);
        RULES.put("GET /actuator/metrics/{requiredMetricName}", Rule.ADMIN);
        RULES.put("GET /actuator/prometheus", Rule.METRICS);
    }

    private static final Map<String, String> VARIABLES = Map.of("{id}", "987654321", "{date}", "1999-01-02",
            "**", "db", "{requiredMetricName}", "jvm.threads.live", "{token}", "NoSuchTokenAtAllXyz234");

    private static final Pattern CITIZEN_ID = Pattern.compile("(?<![0-9A-Za-z])\\d{12}(?![0-9A-Za-z])");
    private static final Pattern PHONE = Pattern.compile("(?<![0-9A-Za-z.])0\\d{9}(?![0-9A-Za-z])");
    private static final Pattern ANY_UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    @Autowired ApplicationContext context;
    @Autowired JdbcTemplate jdbc;
    @Autowired MeterRegistry metrics;
    @Autowired vn.gov.lgsp.connector.vietinbank.VietinbankProperties vietinbank;
    @LocalServerPort int port;

    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private String code;
    private String citizenId;
    private String phone;
    private String street;
    private String fullName;

    /** A dossier with personal data on its timeline, and events rejected with the applicant's data in them. */
    @BeforeAll
    void aDossierWithPersonalData() throws Exception {
        DossierEventFactory factory = new DossierEventFactory(System.nanoTime());
        ObjectNode received = factory.lifecycle(factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN))).get(0);
        code = received.get("dossier").get("code").asText();
        // a name the simulator never makes: its few thousand names recur across the suite's dossiers, where a
        // handling officer's name (not personal data, never masked) can be this applicant's too
        ((ObjectNode) received.get("dossier").get("applicant")).put("fullName", "Quách Thị Kiểm Thử");
        citizenId = received.get("dossier").get("applicant").get("citizenId").asText();
        phone = received.get("dossier").get("applicant").get("phone").asText();
        street = received.get("dossier").get("applicant").get("address").get("street").asText();
        fullName = received.get("dossier").get("applicant").get("fullName").asText();
        assertThat(call("POST", "/api/v1/dossier-events", TestTokens.onestop(), received.toString()).statusCode()).isEqualTo(202);
        ObjectNode bad = received.deepCopy();
        bad.put("eventId", bad.get("eventId").asText() + "-bad");
        ((ObjectNode) bad.get("dossier")).put("procedureCode", "");
        assertThat(call("POST", "/api/v1/dossier-events", TestTokens.onestop(), bad.toString()).statusCode()).isEqualTo(400);
        // and cut short inside the street's value: not JSON, its personal fields still masked where it is shown
        String whole = received.toString();
        String cut = whole.substring(0, whole.indexOf(street) + street.length());
        assertThat(cut).contains(fullName, citizenId);
        assertThat(call("POST", "/api/v1/dossier-events", TestTokens.onestop(), cut).statusCode()).isEqualTo(400);
        // and a token the parser quotes in its reason (the answer to the one-stop system, its own data, shows it whole)
        assertThat(call("POST", "/api/v1/dossier-events", TestTokens.onestop(), "{\"note\": tel_" + phone + "}").body()).contains(phone);
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM audit_record WHERE dossier_code = ?", Long.class, code) > 1);
    }

    @Test
    void everyEndpointAnswersEachCallerAsTheRuleTableSays() throws Exception {
        Set<String> endpoints = endpoints();
        assertThat(endpoints).as("the matrix would pass vacuously").contains("POST /api/v1/dossier-events", "GET /actuator/prometheus",
                "POST /api/v1/partners/zalo/webhook");
        Set<String> withoutRule = new TreeSet<>(endpoints);
        withoutRule.removeAll(RULES.keySet());
        assertThat(withoutRule).as("endpoints without a rule in AuthorizationMatrixIT.RULES (and in SecurityConfig)").isEmpty();

        Map<String, String> callers = new LinkedHashMap<>();
        callers.put("anonymous", null);
        callers.put("viewer", TestTokens.viewer());
        callers.put("operator", TestTokens.operator());
        callers.put("auditor", TestTokens.auditor());
        callers.put("admin", TestTokens.admin());
        callers.put("onestop", TestTokens.onestop());
        callers.put("metrics", TestTokens.metrics());
        List<String> failures = new ArrayList<>();
        int jsonAnswers = 0;
        for (String endpoint : endpoints) {
            Rule rule = RULES.get(endpoint);
            String method = endpoint.substring(0, endpoint.indexOf(' '));
            String path = path(endpoint.substring(endpoint.indexOf(' ') + 1));
            Integer partnerStatus = null;
            for (var caller : callers.entrySet()) {
                HttpResponse<String> r = call(method, path, caller.getValue(), method.equals("POST") ? "{}" : null);
                String problem = check(rule, caller.getKey(), r);
                if (rule == Rule.PARTNER) {
                    if (partnerStatus == null) partnerStatus = r.statusCode();
                    else if (partnerStatus != r.statusCode()) problem = "a partner callback answered " + r.statusCode() + " here, " + partnerStatus + " to anonymous";
                }
                if (problem != null) failures.add(caller.getKey() + " " + method + " " + path + ": " + problem + " (" + r.statusCode() + " " + abbreviate(r.body()) + ")");
                if (r.headers().firstValue("Content-Type").orElse("").contains("json")) {
                    jsonAnswers++;
                    // actuator numbers (bytes free, counts) are no one's: only the dossier's own data is looked for there
                    String leak = personalData(r.body(), !path.startsWith("/actuator"));
                    if (leak != null) failures.add(caller.getKey() + " " + method + " " + path + ": unmasked personal data " + leak);
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(jsonAnswers).isGreaterThan(20);
    }

    @Test
    void theProbesAndThePlainStatusAreOpenTheDetailsAreNot() throws Exception {
        for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness", "/actuator/health")) {
            HttpResponse<String> r = call("GET", probe, null, null);
            assertThat(r.statusCode()).as(probe).isEqualTo(200);
            assertThat(r.body()).as(probe).contains("\"status\":\"UP\"").doesNotContain("kafka", "clusterId", "jdbc");
        }
        assertThat(call("GET", "/actuator/health", TestTokens.admin(), null).body()).contains("\"kafka\"", "\"db\"", "\"jms\"");
    }

    @Test
    void forgedExpiredAndForeignTokensAreRefusedCountedAndAnsweredWithProblemJson() throws Exception {
        Map<String, String> tokens = Map.of("bad_signature", TestTokens.forged(), "expired_token", TestTokens.expired(),
                "wrong_issuer", TestTokens.wrongIssuer(), "malformed_token", "not.a.jwt");
        for (var t : tokens.entrySet()) {
            double before = refused("operator-api", t.getKey());
            HttpResponse<String> r = call("GET", "/api/v1/dead-letters", t.getValue(), null);
            assertThat(r.statusCode()).as(t.getKey()).isEqualTo(401);
            assertThat(r.headers().firstValue("Content-Type")).as(t.getKey()).hasValueSatisfying(c -> assertThat(c).startsWith("application/problem+json"));
            assertThat(r.headers().firstValue("WWW-Authenticate")).as(t.getKey()).hasValueSatisfying(c -> assertThat(c).contains("invalid_token"));
            assertThat(r.body()).contains("\"status\":401").doesNotContain(t.getValue());
            assertThat(refused("operator-api", t.getKey())).as(t.getKey()).isEqualTo(before + 1);
            // the same token through a partner callback's open door does not make it an operator anywhere else
            assertThat(call("POST", "/api/v1/dead-letters/1/replay", t.getValue(), null).statusCode()).isEqualTo(401);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE message_type = 'REFUSED_CALL'"
                + " AND correlation_id = 'operator-api' AND detail LIKE 'bad_signature%'", Long.class) > 0);
    }

    @Test
    void errorAnswersCarryNoStackTraceAndTheHeadersOfAWebSurface() throws Exception {
        HttpResponse<String> r = call("GET", "/api/v1/payments/reconciliation/not-a-date", TestTokens.viewer(), null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).doesNotContain("at vn.gov", "Exception", "trace");
        HttpResponse<String> any = call("GET", "/api/v1/dead-letters", TestTokens.viewer(), null);
        assertThat(any.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(any.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(any.headers().firstValue("Cache-Control")).hasValueSatisfying(c -> assertThat(c).contains("no-store"));
    }

    private double refused(String endpoint, String reason) {
        var c = metrics.find("hub.security.refused").tag("endpoint", endpoint).tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    /** Null when the answer is what the rule allows this caller, else what is wrong. */
    private static String check(Rule rule, String caller, HttpResponse<String> r) {
        int s = r.statusCode();
        boolean refusedByHub = s == 401 && r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer");
        switch (rule) {
            case PUBLIC:
                return s == 401 || s == 403 ? "refused an open endpoint" : null;
            case PARTNER:
                return refusedByHub || s == 403 ? "a partner callback must not need a hub token" : null;
            case CONSOLE:
                return s == 302 && r.headers().firstValue("Location").orElse("").endsWith("/console/login") ? null
                        : "the console must send a caller without a session to its login page (bearer tokens do not count)";
            case CONSOLE_ACTION:
                // a console POST needs the session and its CSRF token: without them, the login page or a refusal
                return s == 403 || s == 302 && r.headers().firstValue("Location").orElse("").endsWith("/console/login") ? null
                        : "a console action must be refused without a session and its CSRF token (bearer tokens do not count)";
            case API_DOCS:
                // the API descriptions: the console's session (a browser without one goes to the login page) or a token
                if (caller.equals("anonymous")) {
                    return s == 302 && r.headers().firstValue("Location").orElse("").endsWith("/console/login") ? null
                            : "the API descriptions must send a caller without a session or token to the console's login page";
                }
                rule = Rule.VIEWER;
                break;
            case CONSOLE_LOGIN:
                return s == 200 ? null : "the console's login page must be open";
            default:
        }
        boolean allowed = switch (rule) {
            case VIEWER -> Set.of("viewer", "operator", "auditor", "admin").contains(caller);
            case OPERATOR -> Set.of("operator", "admin").contains(caller);
            case AUDITOR -> Set.of("auditor", "admin").contains(caller);
            case ADMIN -> caller.equals("admin");
            case DENIED -> false;
            case METRICS -> Set.of("admin", "metrics").contains(caller);
            case ONESTOP -> caller.equals("onestop");
            default -> throw new IllegalStateException();
        };
        boolean problemJson = r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json");
        if (allowed) return s == 401 || s == 403 ? "refused a caller the rule allows" : null;
        if (caller.equals("anonymous")) return s == 401 && refusedByHub && problemJson ? null : "expected 401 problem+json";
        return s == 403 && problemJson ? null : "expected 403 problem+json";
    }

    private String personalData(String body, boolean anyNumber) {
        if (body.contains(citizenId)) return "citizen ID of the test dossier";
        if (body.contains(phone)) return "phone of the test dossier";
        if (body.contains(street)) return "street address of the test dossier";
        if (body.contains(fullName)) return "full name of the test dossier's applicant";
        if (!anyNumber) return null;
        // the province's collection account (printed on every fee notice, in each payment code's update) is no one's
        // personal data, though its digits look like a phone's: the default is ten zeros
        // nor are the ids of events, updates and correlations: one UUID in 280 ends in twelve decimal digits
        String others = ANY_UUID.matcher(body.replace(vietinbank.getAccount(), "")).replaceAll("");
        var id = CITIZEN_ID.matcher(others);
        if (id.find()) return "12-digit number " + id.group().substring(0, 3) + "... in " + around(others, id.start());
        var p = PHONE.matcher(others);
        if (p.find()) return "10-digit phone " + p.group().substring(0, 3) + "... in " + around(others, p.start());
        return null;
    }

    /** Where a number was found, its digits masked: which field of which answer, without showing the number. */
    private static String around(String body, int at) {
        return "\"" + body.substring(Math.max(0, at - 40), Math.min(body.length(), at + 20)).replaceAll("\\d", "#") + "\"";
    }

    private String path(String pattern) {
        String p = pattern.replace("{code}", code).replace("{dossier}", code);
        for (var v : VARIABLES.entrySet()) p = p.replace(v.getKey(), v.getValue());
        return p;
    }

    /** Every METHOD + pattern served: MVC and actuator handler mappings, and servlets other than Spring's own. */
    private Set<String> endpoints() {
        Set<String> out = new TreeSet<>();
        for (RequestMappingInfoHandlerMapping mapping : context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values()) {
            for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                for (String pattern : info.getPatternValues()) {
                    if (methods.isEmpty()) {
                        out.add("GET " + pattern);
                        out.add("POST " + pattern);
                    } else {
                        methods.forEach(m -> out.add(m.name() + " " + pattern));
                    }
                }
            }
        }
        for (ServletRegistrationBean<?> servlet : context.getBeansOfType(ServletRegistrationBean.class).values()) {
            for (String url : servlet.getUrlMappings()) {
                if (url.equals("/")) continue;   // Spring's dispatcher: its handlers are above
                out.add("POST " + url.replace("/*", ""));
            }
        }
        return out;
    }

    private HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30));
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (body != null) b.header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 160 ? s.substring(0, 160) + "..." : s;
    }
}
