package vn.gov.lgsp.hub.work;

import java.time.Duration;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * Bounds every blocking call to Artemis (a send, a commit, a session's creation) by {@code hub.artemis.call-timeout}
 * (default 5 s; Artemis' own default is 30 s): with the broker gone, the REST intake answers 503 within that time
 * and the Kafka inbound retries its batch, instead of hanging. A broker commit waits for the journal's disk sync,
 * milliseconds on a healthy broker.
 */
@Component
public class BrokerTimeouts implements BeanPostProcessor, EnvironmentAware {
    private Duration callTimeout = Duration.ofSeconds(5);

    @Override
    public void setEnvironment(Environment environment) {
        callTimeout = Binder.get(environment).bind("hub.artemis.call-timeout", Duration.class).orElse(Duration.ofSeconds(5));
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String name) {
        Object target = bean instanceof CachingConnectionFactory c ? c.getTargetConnectionFactory() : bean;
        if (target instanceof ActiveMQConnectionFactory artemis) {
            artemis.setCallTimeout(callTimeout.toMillis());
            artemis.setCallFailoverTimeout(callTimeout.toMillis());
        }
        return bean;
    }
}
