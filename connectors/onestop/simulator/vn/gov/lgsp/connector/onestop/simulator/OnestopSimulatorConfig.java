package vn.gov.lgsp.connector.onestop.simulator;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * The demo run's one-stop traffic: hub.simulators.onestop.enabled=true, events-per-second (default 2), agency-share
 * (default 0.1: dossiers that also get IDENTITY_CHECK_REQUESTED and TAX_DECLARATION_SUBMITTED).
 */
@Configuration
@ConditionalOnProperty(name = "hub.simulators.onestop.enabled", havingValue = "true")
public class OnestopSimulatorConfig {

    @Bean(destroyMethod = "close")
    public OnestopTrafficSimulator onestopTrafficSimulator(
            @Value("${hub.kafka.bootstrap-servers}") String brokers,
            @Value("${hub.inbound.topic}") String topic,
            @Value("${hub.simulators.onestop.events-per-second:2}") double rate,
            @Value("${hub.simulators.onestop.agency-share:0.1}") double agencyShare) {
        OnestopTrafficSimulator sim = new OnestopTrafficSimulator(brokers, topic, rate, System.currentTimeMillis());
        sim.setAgencyShare(agencyShare); // a tenth of the dossiers: an identity check, and as often a tax declaration
        return sim;
    }

    /** Traffic starts once the hub is ready, like a real one-stop system finding the hub up. */
    @EventListener(ApplicationReadyEvent.class)
    public void start(ApplicationReadyEvent ready) {
        ready.getApplicationContext().getBean(OnestopTrafficSimulator.class).start();
    }
}
