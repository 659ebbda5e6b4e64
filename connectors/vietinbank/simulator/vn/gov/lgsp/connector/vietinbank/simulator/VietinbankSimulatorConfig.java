package vn.gov.lgsp.connector.vietinbank.simulator;

import java.security.KeyPair;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import vn.gov.lgsp.hub.infra.SimulatorSwitch;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import vn.gov.lgsp.connector.vietinbank.VietinbankNotificationController;
import vn.gov.lgsp.connector.vietinbank.VietinbankProperties;
import vn.gov.lgsp.connector.vietinbank.VietinbankSignatures;

/**
 * Tests and the demo run: starts the bank simulator and points the connector at it. Both key pairs (the bank's
 * and the hub's) are generated at start-up and live only in memory. An explicitly configured statement-url
 * (HUB_VIETINBANK_STATEMENT_URL, -Dhub.partners.vietinbank.statement-url=...) keeps the connector on the configured
 * bank: keys and credentials are then left as configured too.
 */
@Configuration
@ConditionalOnExpression("${hub.simulators.vietinbank.enabled:${hub.simulators.enabled:false}}")
public class VietinbankSimulatorConfig {
    @Bean(destroyMethod = "close")
    public VietinbankBankSimulator vietinbankBankSimulator(VietinbankProperties props, Environment env) {
        KeyPair hubKeys = VietinbankBankSimulator.rsa();
        String clientId = "hub-sim-client";
        String clientSecret = "sim-secret-" + Long.toHexString(System.nanoTime());
        VietinbankBankSimulator sim = new VietinbankBankSimulator(props.qrAccount(), props.getProviderId(), clientId, clientSecret,
                // the hub's port is known only once its web server is up (random in tests)
                () -> "http://127.0.0.1:" + env.getProperty("local.server.port", "8080") + VietinbankNotificationController.PATH,
                hubKeys.getPublic());
        if (!SimulatorSwitch.mayRepoint(env, "vietinbank", "hub.partners.vietinbank.statement-url", "HUB_VIETINBANK_STATEMENT_URL")) {
            return sim;
        }
        props.setHubPrivateKey(VietinbankSignatures.toPem("PRIVATE KEY", hubKeys.getPrivate().getEncoded()));
        props.setHubPrivateKeyFile(null);
        props.setBankPublicKey(sim.bankPublicKeyPem());
        props.setBankPublicKeyFile(null);
        props.setStatementUrl(sim.statementUrl());
        props.setClientId(clientId);
        props.setClientSecret(clientSecret);
        return sim;
    }
}
