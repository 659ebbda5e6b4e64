package vn.gov.lgsp.hub.security;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * The hub's roles, as the identity provider grants them (lower case in the token) and as Spring Security sees them
 * ({@code ROLE_VIEWER} ...). The hierarchy is applied here, once, when a token or a console login is mapped:
 * admin holds every operator role; operator and auditor each include viewer.
 */
public final class HubRoles {
    private HubRoles() {}

    /** Timelines and lists, personal data masked. */
    public static final String VIEWER = "VIEWER";
    /** Replay, re-sync, reconciliation runs. */
    public static final String OPERATOR = "OPERATOR";
    /** Audit verification and export, personal data revealed with a stated reason. */
    public static final String AUDITOR = "AUDITOR";
    public static final String ADMIN = "ADMIN";
    /** The Prometheus scraper. */
    public static final String METRICS = "METRICS";
    /** The one-stop system posting dossier events (or the scope dossier-events:write). */
    public static final String ONESTOP = "ONESTOP";
    public static final String DOSSIER_EVENTS_SCOPE = "SCOPE_dossier-events:write";

    private static final Map<String, List<String>> IMPLIES = Map.of(
            ADMIN, List.of(OPERATOR, AUDITOR, VIEWER, METRICS),
            OPERATOR, List.of(VIEWER),
            AUDITOR, List.of(VIEWER));

    /** ROLE_ authorities for the role names of a token or a user, with the roles they imply; unknown names kept as given. */
    public static Set<GrantedAuthority> authorities(Collection<String> roleNames) {
        Set<String> roles = new LinkedHashSet<>();
        for (String name : roleNames) {
            if (name == null || name.isBlank()) continue;
            String role = name.trim().toUpperCase(Locale.ROOT);
            if (role.startsWith("ROLE_")) role = role.substring(5);
            roles.add(role);
            roles.addAll(IMPLIES.getOrDefault(role, List.of()));
        }
        Set<GrantedAuthority> out = new LinkedHashSet<>();
        roles.forEach(r -> out.add(new SimpleGrantedAuthority("ROLE_" + r)));
        return out;
    }
}
