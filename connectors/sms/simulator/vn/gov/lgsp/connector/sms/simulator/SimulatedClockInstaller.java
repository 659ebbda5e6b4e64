package vn.gov.lgsp.connector.sms.simulator;

import java.util.Set;
import org.springframework.beans.factory.config.BeanPostProcessor;

/** Replaces the connectors' clock beans (smsClock, zaloClock) with the one shared {@link SimulatedClock}. */
public class SimulatedClockInstaller implements BeanPostProcessor {
    public static final SimulatedClock CLOCK = new SimulatedClock();
    private static final Set<String> CLOCKS = Set.of("smsClock", "zaloClock");

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        return CLOCKS.contains(beanName) && bean instanceof java.time.Clock ? CLOCK : bean;
    }
}
