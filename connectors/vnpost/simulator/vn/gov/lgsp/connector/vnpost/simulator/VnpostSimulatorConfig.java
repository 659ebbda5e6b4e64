package vn.gov.lgsp.connector.vnpost.simulator;

import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.core.env.Environment;
import vn.gov.lgsp.hub.infra.SimulatorSwitch;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import vn.gov.lgsp.connector.vnpost.VnpostProperties;

/**
 * Tests and the demo run: starts the VNPost simulator on a random loopback port and points the connector at it.
 * The connector reads base-url at call time, so repointing the properties bean here is enough. An explicitly
 * configured base-url (HUB_VNPOST_BASE_URL, -Dhub.partners.vnpost.base-url=...) is kept: the simulator then runs unused.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("${hub.simulators.vnpost.enabled:${hub.simulators.enabled:false}}")
public class VnpostSimulatorConfig {

    @Bean(destroyMethod = "close")
    public VnpostSimulator vnpostSimulator(VnpostProperties props,
                                           @Value("${hub.simulators.vnpost.status-step:2s}") Duration statusStep,
                                           @Value("${hub.simulators.vnpost.token-ttl:1h}") Duration tokenTtl,
                                           Environment env) {
        boolean repoint = SimulatorSwitch.mayRepoint(env, "vnpost", "hub.partners.vnpost.base-url", "HUB_VNPOST_BASE_URL");
        if (repoint && (props.getUsername() == null || props.getUsername().isBlank())) {
            // the demo run has no real credentials: any will do against the simulator
            props.setUsername("simulator");
            props.setPassword("simulator");
        }
        VnpostSimulator sim = new VnpostSimulator(props.getUsername(), props.getPassword());
        sim.setStatusStepMillis(statusStep.toMillis());
        sim.setTokenTtlMillis(tokenTtl.toMillis());
        sim.start(0);
        if (repoint) props.setBaseUrl(sim.baseUrl());
        return sim;
    }
}
