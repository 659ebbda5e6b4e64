package vn.gov.lgsp.hub.ops;

import org.apache.camel.CamelContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Actuator health "routing": Camel runs with the business routes (routes/*.yaml) loaded, so events can be planned
 * into partner work. Part of the readiness group with the database and the broker (config/application.yml).
 */
@Component("routing")
public class RoutingHealthIndicator implements HealthIndicator {
    private final ObjectProvider<CamelContext> camel;

    public RoutingHealthIndicator(ObjectProvider<CamelContext> camel) {
        this.camel = camel;
    }

    @Override
    public Health health() {
        CamelContext context = camel.getIfAvailable();
        if (context == null) return Health.down().withDetail("camel", "no context").build();
        long business = context.getRoutes().stream().filter(r -> r.getRouteId().startsWith("on-")).count();
        Health.Builder h = context.getStatus().isStarted() && business > 0 ? Health.up() : Health.down();
        return h.withDetail("camel", context.getStatus().name()).withDetail("businessRoutes", business).build();
    }
}
