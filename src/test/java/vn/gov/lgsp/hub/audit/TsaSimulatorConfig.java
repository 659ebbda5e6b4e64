package vn.gov.lgsp.hub.audit;

import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tests and the demo run: a time-stamping authority on loopback ({@link TsaSimulator}) anchors the audit checkpoints,
 * unless an authority is configured explicitly ({@code hub.audit.timestamp.url}, HUB_TSA_URL): that one is kept.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("${hub.simulators.enabled:false} and ${hub.simulators.tsa.enabled:true}")
public class TsaSimulatorConfig {
    @Bean(destroyMethod = "close")
    public TsaSimulator tsaSimulator(TimestampProperties props) {
        TsaSimulator tsa = new TsaSimulator();
        if (props.enabled()) {
            LoggerFactory.getLogger(TsaSimulatorConfig.class).info("time-stamping authority {} configured explicitly: its simulator is not used", props.getUrl());
        } else {
            props.setUrl(tsa.url());
            props.setCertificate(tsa.certificateBase64());
        }
        return tsa;
    }
}
