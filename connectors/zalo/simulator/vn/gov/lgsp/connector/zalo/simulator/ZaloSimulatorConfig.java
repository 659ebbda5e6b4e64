package vn.gov.lgsp.connector.zalo.simulator;

import java.io.IOException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import vn.gov.lgsp.connector.zalo.ZaloProperties;

/** Starts the Zalo simulator on a random loopback port and points the connector at it (tests, demo run). */
@Configuration
@ConditionalOnProperty(name = "hub.simulators.enabled", havingValue = "true")
public class ZaloSimulatorConfig {
    @Bean(destroyMethod = "close")
    public ZaloSimulator zaloSimulator(ZaloProperties props) throws IOException {
        ZaloSimulator sim = new ZaloSimulator();
        props.setBaseUrl(sim.baseUrl());
        props.setOauthUrl(sim.baseUrl());
        props.setOaApiUrl(sim.baseUrl());
        props.setAppId(sim.appId);
        props.setAppSecret(sim.appSecret);
        props.setOaSecret(sim.oaSecret);
        props.setInitialRefreshToken(sim.issueRefreshToken());
        return sim;
    }

    /** Zalo's webhooks go to the hub's own port, known once the web server runs. */
    @Bean
    public ApplicationListener<WebServerInitializedEvent> zaloSimulatorWebhookTarget(ZaloSimulator sim) {
        return e -> sim.setWebhookUrl("http://127.0.0.1:" + e.getWebServer().getPort() + "/api/v1/partners/zalo/webhook");
    }
}
