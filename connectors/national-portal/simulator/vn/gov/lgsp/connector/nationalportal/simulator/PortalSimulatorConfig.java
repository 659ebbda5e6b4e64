package vn.gov.lgsp.connector.nationalportal.simulator;

import java.io.IOException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.core.env.Environment;
import vn.gov.lgsp.hub.infra.SimulatorSwitch;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import vn.gov.lgsp.connector.nationalportal.NationalPortalProperties;

/**
 * Tests and the demo run: the portal simulator on a random loopback port, the connector pointed at it, unless its
 * base-url is configured explicitly (HUB_PORTAL_BASE_URL, -Dhub.partners.national-portal.base-url=...).
 */
@Configuration
@ConditionalOnExpression("${hub.simulators.national-portal.enabled:${hub.simulators.enabled:false}}")
public class PortalSimulatorConfig {
    @Bean(destroyMethod = "close")
    public PortalSimulator portalSimulator(NationalPortalProperties props, Environment env) throws IOException {
        if (!SimulatorSwitch.mayRepoint(env, "national-portal", "hub.partners.national-portal.base-url", "HUB_PORTAL_BASE_URL")) {
            return new PortalSimulator("lgsp-simulated", "unused-" + java.util.UUID.randomUUID());
        }
        props.setUsername("lgsp-simulated");
        props.setPassword("simulated-" + java.util.UUID.randomUUID());
        PortalSimulator sim = new PortalSimulator(props.getUsername(), props.getPassword());
        props.setBaseUrl(sim.baseUrl());
        props.setLoginPath("/adapter/login");
        props.setIntegrationPath("/adapter/integration");
        return sim;
    }
}
