package vn.gov.lgsp.hub.work;

import jakarta.jms.ConnectionFactory;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.jms.connection.JmsTransactionManager;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.jms.support.destination.DestinationResolver;
import org.springframework.jms.support.destination.DynamicDestinationResolver;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Two resource managers, two transaction managers: the database (primary) and the broker.
 * Where both are touched, the broker commits first and the work is made idempotent on the database side,
 * so a crash between the two commits repeats work instead of losing it.
 */
@Configuration
public class MessagingConfig {

    /**
     * Resolves each queue name once: Artemis asks the broker about a queue every time a session looks one up by
     * name, a blocking round trip per message otherwise. JMS destinations are plain names, valid in any session.
     */
    private static final DestinationResolver QUEUES = new DestinationResolver() {
        private final java.util.concurrent.ConcurrentHashMap<String, jakarta.jms.Destination> cache = new java.util.concurrent.ConcurrentHashMap<>();
        private final DynamicDestinationResolver dynamic = new DynamicDestinationResolver();

        @Override
        public jakarta.jms.Destination resolveDestinationName(jakarta.jms.Session session, String name, boolean pubSub)
                throws jakarta.jms.JMSException {
            jakarta.jms.Destination d = cache.get(name);
            if (d == null) {
                d = dynamic.resolveDestinationName(session, name, pubSub);
                cache.put(name, d);
            }
            return d;
        }
    };

    @Bean
    @Primary
    public JdbcTransactionManager transactionManager(DataSource dataSource) {
        return new JdbcTransactionManager(dataSource);
    }

    @Bean
    @Primary
    public TransactionTemplate transactionTemplate(JdbcTransactionManager transactionManager) {
        return new TransactionTemplate(transactionManager);
    }

    @Bean
    public JmsTransactionManager jmsTransactionManager(ConnectionFactory connectionFactory) {
        return new JmsTransactionManager(connectionFactory);
    }

    @Bean
    public TransactionTemplate jmsTransactionTemplate(JmsTransactionManager jmsTransactionManager) {
        return new TransactionTemplate(jmsTransactionManager);
    }

    /** Sends join the broker transaction bound to the thread (a shard consumer's batch, or jmsTransactionTemplate's). */
    @Bean
    public JmsTemplate workJmsTemplate(ConnectionFactory connectionFactory) {
        JmsTemplate t = new JmsTemplate(connectionFactory);
        t.setDestinationResolver(QUEUES);
        t.setSessionTransacted(true);
        t.setDeliveryPersistent(true);
        t.setExplicitQosEnabled(true);
        return t;
    }
}
