package vn.gov.lgsp.hub.security;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code hub.security.*}: the province's identity provider (OIDC, e.g. Keycloak) whose JWTs operators, auditors and
 * the one-stop system present. See README.md, section Security.
 */
@ConfigurationProperties(prefix = "hub.security")
public class HubSecurityProperties {
    /** MUST: the issuer (the {@code iss} of every token), e.g. https://sso.example.gov.vn/realms/lgsp (HUB_OIDC_ISSUER). */
    private String issuerUri = "";
    /** MAY: the JWKS; by default found through the issuer's /.well-known/openid-configuration (HUB_OIDC_JWKS). */
    private String jwkSetUri = "";
    /** MAY: when set, a token must name one of these in {@code aud}. */
    private List<String> audiences = new ArrayList<>();
    /** MAY: where the roles are in the token, dot-separated (Keycloak: realm_access.roles). */
    private String rolesClaim = "realm_access.roles";
    /** MAY: the claims naming the operator in audit records, the first present wins. */
    private List<String> usernameClaims = new ArrayList<>(List.of("preferred_username", "sub"));
    /** MAY: tolerated clock difference with the identity provider. */
    private Duration clockSkew = Duration.ofSeconds(30);
    /**
     * MAY: a bearer token's signature is checked at its first use and again at the latest this long after (its expiry
     * and claims at every use): how soon a signing key the identity provider withdraws stops being honoured.
     */
    private Duration tokenReverifyAfter = Duration.ofMinutes(5);

    public String getIssuerUri() { return issuerUri; }
    public void setIssuerUri(String issuerUri) { this.issuerUri = issuerUri; }
    public String getJwkSetUri() { return jwkSetUri; }
    public void setJwkSetUri(String jwkSetUri) { this.jwkSetUri = jwkSetUri; }
    public List<String> getAudiences() { return audiences; }
    public void setAudiences(List<String> audiences) { this.audiences = audiences; }
    public String getRolesClaim() { return rolesClaim; }
    public void setRolesClaim(String rolesClaim) { this.rolesClaim = rolesClaim; }
    public List<String> getUsernameClaims() { return usernameClaims; }
    public void setUsernameClaims(List<String> usernameClaims) { this.usernameClaims = usernameClaims; }
    public Duration getClockSkew() { return clockSkew; }
    public void setClockSkew(Duration clockSkew) { this.clockSkew = clockSkew; }
    public Duration getTokenReverifyAfter() { return tokenReverifyAfter; }
    public void setTokenReverifyAfter(Duration tokenReverifyAfter) { this.tokenReverifyAfter = tokenReverifyAfter; }
}
