package vn.gov.lgsp.hub.infra;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The demo run's and the tests' identity provider, shaped like a Keycloak realm ("lgsp") on loopback: OIDC discovery,
 * a JWKS and a token endpoint with the client_credentials and password grants. Its RSA key and every password are
 * generated at start (demo only; printed by the demo run). Users viewer, operator, auditor and admin hold the role
 * of their name in realm_access.roles; the clients onestop (role onestop, scope dossier-events:write) and prometheus
 * (role metrics) use client credentials; the public client lgsp-cli takes the password grant.
 * Test scope: never in the production jar.
 */
public final class DemoIssuer implements AutoCloseable {
    public static final String REALM_PATH = "/realms/lgsp";
    public static final List<String> USERS = List.of("viewer", "operator", "auditor", "admin");

    /** A client of the client_credentials grant. */
    public record Client(String id, String secret, List<String> roles, String scope) {}

    private final HttpServer server;
    private final RSAKey key;
    private final String issuer;
    private final Map<String, String> passwords = new LinkedHashMap<>();
    private final Map<String, Client> clients = new LinkedHashMap<>();

    public DemoIssuer(int port) {
        try {
            key = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).keyID("demo-" + UUID.randomUUID()).generate();
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        } catch (IOException e) {
            throw new UncheckedIOException("the demo token issuer could not listen on port " + port, e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        issuer = "http://127.0.0.1:" + server.getAddress().getPort() + REALM_PATH;
        USERS.forEach(u -> passwords.put(u, secret()));
        clients.put("onestop", new Client("onestop", secret(), List.of("onestop"), "dossier-events:write"));
        clients.put("prometheus", new Client("prometheus", secret(), List.of("metrics"), ""));
        server.createContext(REALM_PATH + "/.well-known/openid-configuration", ex -> {
            answer(ex, 200, "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + jwkSetUri() + "\",\"token_endpoint\":\"" + tokenUri()
                    + "\",\"grant_types_supported\":[\"client_credentials\",\"password\"],\"id_token_signing_alg_values_supported\":[\"RS256\"],"
                    + "\"subject_types_supported\":[\"public\"],\"response_types_supported\":[\"token\"]}");
        });
        server.createContext(REALM_PATH + "/protocol/openid-connect/certs", ex -> answer(ex, 200, new JWKSet(key.toPublicJWK()).toString()));
        server.createContext(REALM_PATH + "/protocol/openid-connect/token", this::token);
        server.start();
    }

    private static String secret() {
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public String issuer() { return issuer; }
    public String jwkSetUri() { return issuer + "/protocol/openid-connect/certs"; }
    public String tokenUri() { return issuer + "/protocol/openid-connect/token"; }
    public String password(String user) { return passwords.get(user); }
    public Map<String, String> passwords() { return Map.copyOf(passwords); }
    public Client client(String id) { return clients.get(id); }

    /** A token as this issuer signs them. */
    public String mint(String subject, List<String> roles, String scope, Duration ttl) {
        return sign(key, issuer, subject, roles, scope, Instant.now(), ttl);
    }

    /** A token with everything chosen: another key (a forgery), another issuer, a time in the past (expired). */
    public static String sign(RSAKey signingKey, String iss, String subject, List<String> roles, String scope, Instant issuedAt, Duration ttl) {
        try {
            JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(iss).subject(subject)
                    .claim("preferred_username", subject).claim("azp", "lgsp-cli").audience("account")
                    .claim("realm_access", Map.of("roles", roles)).jwtID(UUID.randomUUID().toString())
                    .issueTime(Date.from(issuedAt)).expirationTime(Date.from(issuedAt.plus(ttl)));
            if (scope != null && !scope.isBlank()) claims.claim("scope", scope);
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signingKey.getKeyID())
                    .type(JOSEObjectType.JWT).build(), claims.build());
            jwt.sign(new RSASSASigner(signingKey));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key the hub does not know, under the same key id as this issuer's (a forger's best try). */
    public RSAKey forgersKey() {
        try {
            return new RSAKeyGenerator(2048).keyID(key.getKeyID()).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public RSAKey key() { return key; }

    private void token(HttpExchange ex) throws IOException {
        if (!"POST".equals(ex.getRequestMethod())) {
            answer(ex, 405, "{\"error\":\"invalid_request\"}");
            return;
        }
        Map<String, String> form = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String basic = ex.getRequestHeaders().getFirst("Authorization");
        if (basic != null && basic.startsWith("Basic ")) {
            String[] idSecret = new String(Base64.getDecoder().decode(basic.substring(6).trim()), StandardCharsets.UTF_8).split(":", 2);
            form.put("client_id", URLDecoder.decode(idSecret[0], StandardCharsets.UTF_8));
            form.put("client_secret", idSecret.length > 1 ? URLDecoder.decode(idSecret[1], StandardCharsets.UTF_8) : "");
        }
        Duration ttl = Duration.ofMinutes(15);
        String token;
        switch (form.getOrDefault("grant_type", "")) {
            case "client_credentials" -> {
                Client c = clients.get(form.getOrDefault("client_id", ""));
                if (c == null || !c.secret().equals(form.get("client_secret"))) {
                    answer(ex, 401, "{\"error\":\"invalid_client\"}");
                    return;
                }
                token = mint("service-account-" + c.id(), c.roles(), c.scope(), ttl);
            }
            case "password" -> {
                String user = form.getOrDefault("username", "");
                String pw = passwords.get(user);
                if (pw == null || !pw.equals(form.get("password"))) {
                    answer(ex, 401, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid user credentials\"}");
                    return;
                }
                token = mint(user, List.of(user), "openid profile", ttl);
            }
            default -> {
                answer(ex, 400, "{\"error\":\"unsupported_grant_type\"}");
                return;
            }
        }
        answer(ex, 200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":" + ttl.toSeconds() + "}");
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            out.put(k, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, bytes.length);
        try (var out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The hub's properties for this issuer, and the console's demo users (form login, {@link DemoConsoleUsers}). */
    public Map<String, String> hubProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("hub.security.issuer-uri", issuer);
        p.put("hub.security.jwk-set-uri", jwkSetUri());
        StringBuilder users = new StringBuilder();
        passwords.forEach((u, pw) -> users.append(users.isEmpty() ? "" : ",").append(u).append(':').append(pw).append(':').append(u));
        p.put(DemoConsoleUsers.PROPERTY, users.toString());
        return p;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
