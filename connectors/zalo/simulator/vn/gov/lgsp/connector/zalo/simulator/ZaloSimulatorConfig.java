package vn.gov.lgsp.connector.zalo.simulator;

import java.io.IOException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.core.env.Environment;
import vn.gov.lgsp.hub.infra.SimulatorSwitch;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import vn.gov.lgsp.connector.zalo.ZaloProperties;

/**
 * Starts the Zalo simulator on a random loopback port and points the connector at it (tests, demo run), unless the
 * ZNS base-url is configured explicitly (HUB_ZALO_BASE_URL, -Dhub.partners.zalo.base-url=...): then the connector
 * keeps its addresses and credentials and the simulator runs unused.
 */
@Configuration
@ConditionalOnExpression("${hub.simulators.zalo.enabled:${hub.simulators.enabled:false}}")
public class ZaloSimulatorConfig {
    @Bean(destroyMethod = "close")
    public ZaloSimulator zaloSimulator(ZaloProperties props, Environment env) throws IOException {
        ZaloSimulator sim = new ZaloSimulator();
        // citizens rating the service-rating ZNS: hub.simulators.zalo.rating.{delay, share, twice-share}
        ZaloProperties.Template rating = props.getTemplates().get("RATING_INVITATION");
        sim.setRatingTemplateId(rating == null ? null : rating.getTemplateId());
        sim.setRatingDelayMillis(env.getProperty("hub.simulators.zalo.rating.delay", java.time.Duration.class,
                java.time.Duration.ofSeconds(30)).toMillis());
        sim.setRatingPolicy(ZaloSimulator.randomRatings(env.getProperty("hub.simulators.zalo.rating.share", Double.class, 0.6),
                env.getProperty("hub.simulators.zalo.rating.twice-share", Double.class, 0.1), new java.util.Random()));
        if (!SimulatorSwitch.mayRepoint(env, "zalo", "hub.partners.zalo.base-url", "HUB_ZALO_BASE_URL")) return sim;
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
