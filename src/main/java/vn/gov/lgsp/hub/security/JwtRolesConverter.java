package vn.gov.lgsp.hub.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;

/**
 * A token's authorities: its roles (from the configured claim, Keycloak's realm_access.roles by default) as
 * ROLE_..., with the hierarchy of {@link HubRoles}, plus its scopes as SCOPE_...; its name is the operator's
 * (preferred_username, else sub).
 */
public class JwtRolesConverter implements Converter<Jwt, AbstractAuthenticationToken> {
    private final HubSecurityProperties props;
    private final JwtGrantedAuthoritiesConverter scopes = new JwtGrantedAuthoritiesConverter();

    public JwtRolesConverter(HubSecurityProperties props) {
        this.props = props;
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        Set<GrantedAuthority> authorities = new LinkedHashSet<>(HubRoles.authorities(roles(jwt.getClaims(), props.getRolesClaim())));
        authorities.addAll(scopes.convert(jwt));
        return new JwtAuthenticationToken(jwt, authorities, username(jwt.getClaims(), props.getUsernameClaims()));
    }

    /** The role names under a dot-separated claim path (a list, or one space- or comma-separated string). */
    public static List<String> roles(Map<String, Object> claims, String path) {
        Object node = claims;
        for (String part : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> map)) return List.of();
            node = map.get(part);
        }
        List<String> out = new ArrayList<>();
        if (node instanceof Collection<?> c) {
            c.forEach(o -> out.add(String.valueOf(o)));
        } else if (node instanceof String s) {
            out.addAll(List.of(s.split("[\\s,]+")));
        }
        return out;
    }

    public static String username(Map<String, Object> claims, List<String> claimNames) {
        for (String c : claimNames) {
            Object v = claims.get(c);
            if (v != null && !v.toString().isBlank()) return v.toString();
        }
        return String.valueOf(claims.get("sub"));
    }
}
