package vn.gov.lgsp.hub.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * The console's login page ({@code GET /console/login}: a form posting to the same path with the CSRF token, and a
 * link per OIDC client registration) and {@code GET /console/me} (the signed-in user's name and roles, JSON) for the
 * console's pages to build on.
 */
@RestController
public class ConsoleLoginController {
    private final ObjectProvider<UserDetailsService> users;
    private final ObjectProvider<ClientRegistrationRepository> registrations;

    public ConsoleLoginController(ObjectProvider<UserDetailsService> users, ObjectProvider<ClientRegistrationRepository> registrations) {
        this.users = users;
        this.registrations = registrations;
    }

    @GetMapping(path = SecurityConfig.CONSOLE_LOGIN, produces = MediaType.TEXT_HTML_VALUE)
    public String login(CsrfToken csrf, @RequestParam(required = false) String error, @RequestParam(required = false) String logout) {
        StringBuilder page = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>LGSP console: sign in</title></head><body>")
                .append("<h1>LGSP console</h1>");
        if (error != null) page.append("<p role=\"alert\">Sign-in failed.</p>");
        if (logout != null) page.append("<p>Signed out.</p>");
        if (users.getIfAvailable() != null) {
            page.append("<form method=\"post\" action=\"").append(SecurityConfig.CONSOLE_LOGIN).append("\">")
                    .append("<label>User <input name=\"username\" autocomplete=\"username\" required></label> ")
                    .append("<label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label> ")
                    .append("<input type=\"hidden\" name=\"").append(HtmlUtils.htmlEscape(csrf.getParameterName()))
                    .append("\" value=\"").append(HtmlUtils.htmlEscape(csrf.getToken())).append("\">")
                    .append("<button type=\"submit\">Sign in</button></form>");
        }
        if (registrations.getIfAvailable() instanceof Iterable<?> all) {
            for (Object o : all) {
                ClientRegistration r = (ClientRegistration) o;
                page.append("<p><a href=\"/console/oauth2/authorization/").append(HtmlUtils.htmlEscape(r.getRegistrationId()))
                        .append("\">Sign in with ").append(HtmlUtils.htmlEscape(r.getClientName())).append("</a></p>");
            }
        }
        return page.append("</body></html>").toString();
    }

    @GetMapping(path = "/console/me", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> me(Authentication user) {
        return Map.of("name", user.getName(), "roles", roles(user));
    }

    static List<String> roles(Authentication user) {
        List<String> roles = new ArrayList<>();
        for (GrantedAuthority a : user.getAuthorities()) {
            if (a.getAuthority().startsWith("ROLE_")) roles.add(a.getAuthority().substring(5).toLowerCase());
        }
        return roles;
    }
}
