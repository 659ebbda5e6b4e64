package vn.gov.lgsp.connector.sms.simulator;

import java.io.IOException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.core.env.Environment;
import vn.gov.lgsp.hub.infra.SimulatorSwitch;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import vn.gov.lgsp.connector.sms.SmsProperties;

/**
 * Starts the SOAP SMS gateway simulator on a random loopback port and points the connector at it, unless the gateway
 * URL is configured explicitly (HUB_SMS_GATEWAY_URL, -Dhub.partners.sms.gateway-url=...).
 */
@Configuration
@ConditionalOnExpression("${hub.simulators.sms.enabled:${hub.simulators.enabled:false}}")
public class SmsSimulatorConfig {
    static final String DLR_KEY = "sim-dlr-key";

    @Bean(destroyMethod = "close")
    public SmsGatewaySimulator smsGatewaySimulator(SmsProperties props, Environment env) throws IOException {
        SmsGatewaySimulator sim = new SmsGatewaySimulator();
        // recipients of a rating link: hub.simulators.sms.rating.{delay, open-share, twice-share}
        sim.setRatingDelayMillis(env.getProperty("hub.simulators.sms.rating.delay", java.time.Duration.class,
                java.time.Duration.ofSeconds(30)).toMillis());
        sim.setPagePolicy(SmsGatewaySimulator.randomVisits(env.getProperty("hub.simulators.sms.rating.open-share", Double.class, 0.5),
                env.getProperty("hub.simulators.sms.rating.twice-share", Double.class, 0.1), new java.util.Random()));
        if (!SimulatorSwitch.mayRepoint(env, "sms", "hub.partners.sms.gateway-url", "HUB_SMS_GATEWAY_URL")) return sim;
        props.setGatewayUrl(sim.address());
        props.setDlrKey(DLR_KEY);
        // a demo account, new at every start: the simulator answers other keys 101, as the gateway does
        String apiKey = "sim-" + java.util.UUID.randomUUID(), secretKey = java.util.UUID.randomUUID().toString();
        props.setApiKey(apiKey);
        props.setSecretKey(secretKey);
        sim.requireKeys(apiKey, secretKey);
        return sim;
    }

    /** Delivery reports come back to the hub's own port, known once the web server runs. */
    /** The simulated phones reach the hub's rating page on its own port (the link names the public address). */
    @Bean
    public ApplicationListener<WebServerInitializedEvent> smsSimulatorRatingPageTarget(SmsGatewaySimulator sim) {
        return e -> sim.setHubBaseUrl("http://127.0.0.1:" + e.getWebServer().getPort());
    }

    @Bean
    public ApplicationListener<WebServerInitializedEvent> smsSimulatorCallbackTarget(SmsProperties props, Environment env) {
        if (!SimulatorSwitch.mayRepoint(env, "sms", "hub.partners.sms.gateway-url", "HUB_SMS_GATEWAY_URL")) return e -> { };
        return e -> props.setCallbackUrl("http://127.0.0.1:" + e.getWebServer().getPort() + "/api/v1/partners/sms/dlr?key=" + DLR_KEY);
    }

    /** The notification clocks become one movable clock, so a test can put the hub at 22:30 and then at 07:00. */
    @Bean
    public static SimulatedClockInstaller simulatedClockInstaller() {
        return new SimulatedClockInstaller();
    }
}
