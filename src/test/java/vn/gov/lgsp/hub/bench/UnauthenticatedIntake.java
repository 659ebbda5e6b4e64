package vn.gov.lgsp.hub.bench;

import org.apache.catalina.connector.Connector;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The benchmark's way to measure what the bearer token check costs the REST intake (bench/README.md, "auth"
 * phases): the same hub opens a second HTTP port (loopback, random) on which {@code POST /api/v1/dossier-events}
 * passes without authentication; everything else on that port, and every request on the hub's own port, keeps the
 * rules of SecurityConfig. Test scope, and deliberately no {@code @Configuration}: the hub's component scan (which
 * sees the test classes in the tests) never picks it up; only HubBenchmark adds it, as a source of its own
 * SpringApplication. Nothing like it exists in production configuration.
 */
public class UnauthenticatedIntake {
    private static final String INTAKE = "/api/v1/dossier-events";
    private final Connector connector = new Connector();

    public UnauthenticatedIntake() {
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
    }

    /** The port without authentication, once the web server runs. */
    public int port() {
        return connector.getLocalPort();
    }

    @Bean
    public WebServerFactoryCustomizer<TomcatServletWebServerFactory> benchUnauthenticatedConnector() {
        return factory -> factory.addAdditionalTomcatConnectors(connector);
    }

    /** Before SecurityConfig's chains (orders 1 and 2): the intake's path on the extra port only. */
    @Bean
    @Order(0)
    public SecurityFilterChain benchUnauthenticatedIntakeChain(HttpSecurity http) throws Exception {
        http.securityMatcher(request -> request.getLocalPort() == connector.getLocalPort() && INTAKE.equals(request.getRequestURI()))
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(c -> c.disable());
        return http.build();
    }
}
