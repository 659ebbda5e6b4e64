package vn.gov.lgsp.connector.tax.simulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import vn.gov.lgsp.connector.tax.TaxCallbackConfig;
import vn.gov.lgsp.connector.tax.TaxProperties;

/**
 * Tests and the demo run: starts the tax office simulator on a random loopback port, gives both sides fresh
 * credentials and edXML keys (in memory only) and points the connector at it. Answers come back to the hub's own
 * port (/services/tax-callback) after 5-30 s in the demo, milliseconds in tests.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("${hub.simulators.enabled:false} and ${hub.simulators.tax.enabled:true}")
public class TaxSimulatorConfig {
    @Bean(destroyMethod = "close")
    public TaxOfficeSimulator taxOfficeSimulator(TaxProperties props, Environment env,
                                                 @Value("${hub.simulators.tax.min-delay:5s}") Duration minDelay,
                                                 @Value("${hub.simulators.tax.max-delay:30s}") Duration maxDelay) throws IOException {
        String nonce = UUID.randomUUID().toString().substring(0, 8);
        if (props.getUsername() == null || props.getUsername().isBlank()) {
            props.setUsername("lgsp-simulator");
            props.setPassword("sim-hub-" + nonce);
        }
        props.setCallbackUsername("tax-office");
        props.setCallbackPassword("sim-office-" + nonce);
        props.setSigningKey("sim-hub-edxml-key-" + nonce);
        String officeKey = "sim-office-edxml-key-" + nonce;
        props.getVerifyKeys().clear();
        props.getVerifyKeys().put("tax-office", officeKey);
        TaxOfficeSimulator sim = new TaxOfficeSimulator(props.getUsername(), props.getPassword(), props.getSigningKeyName(),
                props.getSigningKey().getBytes(StandardCharsets.UTF_8), officeKey.getBytes(StandardCharsets.UTF_8),
                () -> "http://127.0.0.1:" + env.getProperty("local.server.port", "8080") + env.getProperty("cxf.path", "/services")
                        + TaxCallbackConfig.PATH,
                props.getCallbackUsername(), props.getCallbackPassword());
        sim.setDelay(minDelay, maxDelay);
        props.setUrl(sim.address());
        return sim;
    }
}
