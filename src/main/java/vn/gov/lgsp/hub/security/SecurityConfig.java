package vn.gov.lgsp.hub.security;

import jakarta.servlet.DispatcherType;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;

/**
 * Who may call what (README.md, Security). Two filter chains:
 * <ul>
 *   <li>{@code /console/**}: the operations console in a browser: a session cookie with CSRF protection; form login
 *   against the users of a {@link UserDetailsService} bean where one exists (the demo run and the tests), and/or
 *   OpenID Connect login against the province's identity provider where a client registration is configured
 *   (spring.security.oauth2.client.registration.*); the same ROLE_ authorities as the API.</li>
 *   <li>everything else: stateless, a bearer JWT of the identity provider; partner callbacks carry their own partner
 *   credentials and need none; a path without a rule here is refused.</li>
 * </ul>
 */
@Configuration
@EnableWebSecurity
public class SecurityConfig {
    public static final String CONSOLE_LOGIN = "/console/login";

    @Bean
    public JwtDecoder jwtDecoder(HubSecurityProperties props) {
        String issuer = props.getIssuerUri() == null ? "" : props.getIssuerUri().trim();
        if (issuer.isEmpty()) {
            throw new IllegalStateException("hub.security.issuer-uri (HUB_OIDC_ISSUER) must name the province's identity provider,"
                    + " e.g. https://sso.example.gov.vn/realms/lgsp: every operator and machine token is checked against it");
        }
        String jwks = props.getJwkSetUri() == null ? "" : props.getJwkSetUri().trim();
        // both lazy: the identity provider is asked for its keys at the first token, not at start
        NimbusJwtDecoder decoder = jwks.isEmpty() ? NimbusJwtDecoder.withIssuerLocation(issuer).build()
                : NimbusJwtDecoder.withJwkSetUri(jwks).build();
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(new JwtTimestampValidator(props.getClockSkew()));
        validators.add(new JwtIssuerValidator(issuer));
        if (!props.getAudiences().isEmpty()) {
            validators.add(new JwtClaimValidator<List<String>>("aud",
                    aud -> aud != null && aud.stream().anyMatch(props.getAudiences()::contains)));
        }
        OAuth2TokenValidator<Jwt> validator = new DelegatingOAuth2TokenValidator<>(validators);
        decoder.setJwtValidator(validator);
        // a client's token is verified once and then recognised (VerifiedTokens): at most 10,000 tokens kept
        return new VerifiedTokens(decoder, validator, props.getTokenReverifyAfter(), 10_000, java.time.Clock.systemUTC());
    }

    @Bean
    public ProblemResponses problemResponses(SecurityRefusals refusals) {
        return new ProblemResponses(refusals);
    }

    /**
     * No Micrometer observation around each security filter and each authorization decision: nothing reads them, and
     * without them a Zalo delivery receipt (one per ZNS, the hub's busiest endpoint) took a third less CPU
     * (bench/PROFILING.md, "A ninth look"). Every request is still timed as http_server_requests.
     */
    @Bean
    public SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /** The browser console: session, CSRF, form login (demo/test users) and/or OIDC login (production). */
    @Bean
    @Order(1)
    public SecurityFilterChain consoleChain(HttpSecurity http, ObjectProvider<UserDetailsService> users,
                                            ObjectProvider<ClientRegistrationRepository> registrations,
                                            JwtDecoder jwtDecoder, HubSecurityProperties props,
                                            ProblemResponses problems) throws Exception {
        // the API descriptions too: Swagger UI is opened in a browser (session) and reads /v3/api-docs with it; a
        // program reads the description with a bearer token (the resource server below)
        http.securityMatcher("/console/**", "/swagger-ui.html", "/swagger-ui/**", "/v3/api-docs", "/v3/api-docs/**")
                .authorizeHttpRequests(a -> a
                        .requestMatchers(CONSOLE_LOGIN, "/console/oauth2/**", "/console/login/oauth2/**").permitAll()
                        // the console's actions: replaying a dead letter (operators), checking the audit chain (auditors)
                        .requestMatchers(HttpMethod.POST, "/console/dead-letters/**").hasRole(HubRoles.OPERATOR)
                        .requestMatchers("/console/audit/verify").hasRole(HubRoles.AUDITOR)
                        .anyRequest().hasRole(HubRoles.VIEWER))
                // a bearer token counts for the API descriptions only: the console's pages and actions take the session
                .oauth2ResourceServer(o -> o.bearerTokenResolver(apiDescriptionTokens())
                        .jwt(j -> j.jwtAuthenticationConverter(new JwtRolesConverter(props)))
                        .authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .exceptionHandling(e -> e.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint(CONSOLE_LOGIN))
                        .accessDeniedHandler(problems))
                .logout(l -> l.logoutUrl("/console/logout").logoutSuccessUrl(CONSOLE_LOGIN + "?logout"))
                .csrf(Customizer.withDefaults())
                .headers(Customizer.withDefaults());
        if (users.getIfAvailable() != null) {
            http.formLogin(f -> f.loginPage(CONSOLE_LOGIN).loginProcessingUrl(CONSOLE_LOGIN)
                    .defaultSuccessUrl("/console", true).failureUrl(CONSOLE_LOGIN + "?error").permitAll());
        }
        if (registrations.getIfAvailable() != null) {
            http.oauth2Login(o -> o.loginPage(CONSOLE_LOGIN)
                    .authorizationEndpoint(a -> a.baseUri("/console/oauth2/authorization"))
                    .redirectionEndpoint(r -> r.baseUri("/console/login/oauth2/code/*"))
                    .userInfoEndpoint(u -> u.oidcUserService(oidcUsers(jwtDecoder, props)))
                    .defaultSuccessUrl("/console", true)
                    .failureUrl(CONSOLE_LOGIN + "?error"));
        }
        return http.build();
    }

    /** Bearer tokens of requests outside /console/** (Swagger UI, /v3/api-docs); none for the console itself. */
    static BearerTokenResolver apiDescriptionTokens() {
        DefaultBearerTokenResolver bearer = new DefaultBearerTokenResolver();
        return request -> request.getRequestURI().startsWith(request.getContextPath() + "/console") ? null : bearer.resolve(request);
    }

    /**
     * An OIDC login's roles come from its access token (decoded and checked like any API token), where Keycloak
     * puts realm_access.roles, so the console and the API grant exactly the same authorities.
     */
    static OAuth2UserService<OidcUserRequest, OidcUser> oidcUsers(JwtDecoder decoder, HubSecurityProperties props) {
        OidcUserService delegate = new OidcUserService();
        return request -> {
            OidcUser user = delegate.loadUser(request);
            Jwt access = decoder.decode(request.getAccessToken().getTokenValue());
            String nameKey = user.getClaims().containsKey("preferred_username") ? "preferred_username" : "sub";
            return new DefaultOidcUser(HubRoles.authorities(JwtRolesConverter.roles(access.getClaims(), props.getRolesClaim())),
                    user.getIdToken(), user.getUserInfo(), nameKey);
        };
    }

    /** The API, actuator and partner callbacks: stateless bearer JWTs; the rule table of README.md, Security. */
    @Bean
    @Order(2)
    public SecurityFilterChain apiChain(HttpSecurity http, HubSecurityProperties props, ProblemResponses problems) throws Exception {
        http.authorizeHttpRequests(a -> a
                        // the error page renders the status of a request already authorised (or refused)
                        .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        .requestMatchers("/error").permitAll()
                        // probes and the plain status: no details without a token (management.endpoint.health.show-details)
                        .requestMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness").permitAll()
                        .requestMatchers(HttpMethod.GET, "/actuator/prometheus").hasRole(HubRoles.METRICS)
                        .requestMatchers("/actuator/**").hasRole(HubRoles.ADMIN)
                        // the one-stop system: OAuth2 client credentials
                        .requestMatchers(HttpMethod.POST, "/api/v1/dossier-events")
                                .hasAnyAuthority("ROLE_" + HubRoles.ONESTOP, HubRoles.DOSSIER_EVENTS_SCOPE)
                        // partner callbacks carry their partner's own credentials (HMAC, RSA, signatures, DLR key)
                        .requestMatchers(HttpMethod.POST, "/api/v1/partners/vnpost/status", "/api/v1/partners/vietinbank/notifications",
                                "/api/v1/partners/zalo/webhook").permitAll()
                        .requestMatchers(HttpMethod.GET, "/api/v1/partners/sms/dlr").permitAll()
                        // the tax office's answers: SOAP with a WS-Security UsernameToken, checked by the endpoint
                        // (connectors/tax); its WSDL is public. Every other CXF path stays refused.
                        .requestMatchers(HttpMethod.POST, "/services/tax-callback").permitAll()
                        .requestMatchers(HttpMethod.GET, "/services/tax-callback").permitAll()
                        // citizens' rating page: public, the one-time token in the link is its key (README, Citizen satisfaction)
                        .requestMatchers(HttpMethod.GET, "/rate/*").permitAll()
                        .requestMatchers(HttpMethod.POST, "/rate/*").permitAll()
                        // auditors: the chain, exports and reveals of personal data
                        .requestMatchers("/api/v1/audit/**", "/api/v1/personal-data/**").hasRole(HubRoles.AUDITOR)
                        // operators act
                        .requestMatchers(HttpMethod.POST, "/api/v1/dead-letters/*/replay", "/api/v1/portal/resync/*",
                                "/api/v1/payments/reconciliation/*").hasRole(HubRoles.OPERATOR)
                        // viewers look (masked)
                        .requestMatchers(HttpMethod.GET, "/api/v1/dossiers/*/timeline", "/api/v1/dead-letters", "/api/v1/rejected-messages",
                                "/api/v1/portal/sync-status", "/api/v1/payments/reconciliation/*", "/api/v1/tax/overdue",
                                "/api/v1/satisfaction").hasRole(HubRoles.VIEWER)
                        // anything else, e.g. a new endpoint nobody gave a rule: refused
                        .anyRequest().denyAll())
                .oauth2ResourceServer(o -> o.jwt(j -> j.jwtAuthenticationConverter(new JwtRolesConverter(props)))
                        .authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // bearer tokens, no cookies: nothing for a cross-site request to ride on
                .csrf(c -> c.disable())
                .headers(Customizer.withDefaults());
        return http.build();
    }
}
