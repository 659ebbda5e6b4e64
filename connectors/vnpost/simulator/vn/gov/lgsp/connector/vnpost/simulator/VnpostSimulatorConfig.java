package vn.gov.lgsp.connector.vnpost.simulator;

import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import vn.gov.lgsp.connector.vnpost.VnpostProperties;

/**
 * Tests and the demo run: starts the VNPost simulator on a random loopback port and points the connector at it.
 * The connector reads base-url at call time, so repointing the properties bean here is enough.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "hub.simulators.enabled", havingValue = "true")
public class VnpostSimulatorConfig {

    @Bean(destroyMethod = "close")
    public VnpostSimulator vnpostSimulator(VnpostProperties props,
                                           @Value("${hub.simulators.vnpost.status-step:2s}") Duration statusStep,
                                           @Value("${hub.simulators.vnpost.token-ttl:1h}") Duration tokenTtl) {
        if (props.getUsername() == null || props.getUsername().isBlank()) {
            // the demo run has no real credentials: any will do against the simulator
            props.setUsername("simulator");
            props.setPassword("simulator");
        }
        VnpostSimulator sim = new VnpostSimulator(props.getUsername(), props.getPassword());
        sim.setStatusStepMillis(statusStep.toMillis());
        sim.setTokenTtlMillis(tokenTtl.toMillis());
        sim.start(0);
        props.setBaseUrl(sim.baseUrl());
        return sim;
    }
}
