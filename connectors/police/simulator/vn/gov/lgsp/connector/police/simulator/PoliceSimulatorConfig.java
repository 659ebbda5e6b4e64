package vn.gov.lgsp.connector.police.simulator;

import java.io.IOException;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import vn.gov.lgsp.connector.police.PoliceProperties;

/**
 * Tests and the demo run: starts the population database simulator on a random loopback port and points the
 * connector at it (the connector reads its address per call). Demo defaults: answers take 5-30 s (above 10 s they
 * come back PENDING and are fetched later), 30 checks a minute; tests set milliseconds.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("${hub.simulators.enabled:false} and ${hub.simulators.police.enabled:true}")
public class PoliceSimulatorConfig {
    @Bean(destroyMethod = "close")
    public PoliceSimulator policeSimulator(PoliceProperties props,
                                           @Value("${hub.simulators.police.min-delay:5s}") Duration minDelay,
                                           @Value("${hub.simulators.police.max-delay:30s}") Duration maxDelay,
                                           @Value("${hub.simulators.police.sync-window:10s}") Duration syncWindow,
                                           @Value("${hub.simulators.police.quota-per-minute:30}") int quota) throws IOException {
        if (props.getUsername() == null || props.getUsername().isBlank()) {
            // the demo run has no real credentials: any will do against the simulator
            props.setUsername("lgsp-simulator");
            props.setPassword("sim-" + Long.toHexString(System.nanoTime()));
        }
        PoliceSimulator sim = new PoliceSimulator(props.getUsername(), props.getPassword());
        sim.setDelay(minDelay, maxDelay);
        sim.setSyncWindow(syncWindow);
        sim.setQuotaPerMinute(quota);
        props.setUrl(sim.address());
        return sim;
    }
}
