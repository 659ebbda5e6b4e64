package vn.gov.lgsp.connector.nationalportal.simulator;

import java.io.IOException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import vn.gov.lgsp.connector.nationalportal.NationalPortalProperties;

/** Tests and the demo run: the portal simulator on a random loopback port, the connector pointed at it. */
@Configuration
@ConditionalOnProperty(name = "hub.simulators.enabled", havingValue = "true")
public class PortalSimulatorConfig {
    @Bean(destroyMethod = "close")
    public PortalSimulator portalSimulator(NationalPortalProperties props) throws IOException {
        props.setUsername("lgsp-simulated");
        props.setPassword("simulated-" + java.util.UUID.randomUUID());
        PortalSimulator sim = new PortalSimulator(props.getUsername(), props.getPassword());
        props.setBaseUrl(sim.baseUrl());
        props.setLoginPath("/adapter/login");
        props.setIntegrationPath("/adapter/integration");
        return sim;
    }
}
