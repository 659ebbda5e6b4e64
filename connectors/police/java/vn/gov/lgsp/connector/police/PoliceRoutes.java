package vn.gov.lgsp.connector.police;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/** The core hands partner "police" work here (routes/identity-check-requested.yaml -> hub.work.police). */
@Component
public class PoliceRoutes extends RouteBuilder {
    public static final String DELIVER = "direct:police-deliver";

    private final IdentityChecks checks;

    public PoliceRoutes(IdentityChecks checks) {
        this.checks = checks;
    }

    @Override
    public void configure() {
        from(DELIVER).routeId("police-deliver")
                .process(checks::deliver).id("police-identity-check");
    }
}
