package vn.gov.lgsp.hub.infra;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import vn.gov.lgsp.hub.security.HubRoles;

/**
 * The demo run's and the tests' console users (form login at /console/login): the demo issuer's users with the same
 * passwords and roles (hub.dev.demo-users = user:password:role,...). Test scope only: production signs in with OIDC.
 */
@Configuration
@ConditionalOnProperty(DemoConsoleUsers.PROPERTY)
public class DemoConsoleUsers {
    public static final String PROPERTY = "hub.dev.demo-users";

    @Bean
    public UserDetailsService consoleUsers(Environment env) {
        List<UserDetails> users = new ArrayList<>();
        for (String entry : env.getRequiredProperty(PROPERTY).split(",")) {
            String[] f = entry.split(":", 3);
            users.add(User.withUsername(f[0]).password("{noop}" + f[1])
                    .authorities(HubRoles.authorities(List.of(f[2]))).build());
        }
        return new InMemoryUserDetailsManager(users);
    }
}
