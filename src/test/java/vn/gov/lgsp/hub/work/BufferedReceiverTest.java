package vn.gov.lgsp.hub.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.activemq.artemis.core.client.impl.ClientConsumerInternal;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jms.connection.CachingConnectionFactory;
import vn.gov.lgsp.hub.infra.ChildJvm;

/**
 * A shard batch is rounded off with what the Artemis client already holds, without the broker round trip that
 * {@code receiveNoWait()} makes on an empty buffer; with no window (the clustered set-up) the batch is still filled,
 * one round trip per message. Against a real broker, through Spring's caching connection factory as the hub has it.
 */
class BufferedReceiverTest {
    private static EmbeddedActiveMQ broker;
    private static int port;

    @BeforeAll
    static void startBroker() throws Exception {
        port = ChildJvm.freePort();
        broker = new EmbeddedActiveMQ().setConfiguration(new ConfigurationImpl().setPersistenceEnabled(false)
                .setSecurityEnabled(false).addAcceptorConfiguration("tcp", "tcp://localhost:" + port));
        broker.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.stop();
    }

    @Test
    void withAWindowTheBatchTakesWhatTheClientHoldsAndAnEmptyBufferCostsNoRoundTrip() throws Exception {
        CachingConnectionFactory factory = new CachingConnectionFactory(new ActiveMQConnectionFactory("tcp://localhost:" + port));
        try {
            Shard shard = Shard.withThreeMessages(factory, "hub.work.test.window");
            assertThat(shard.receiver().readsTheBuffer()).isTrue();
            List<String> batch = new ArrayList<>(List.of(text(shard.consumer().receive(5000))));
            // the broker sends ahead: the other two reach the buffer soon after the first
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                Message next = shard.receiver().nextBuffered();
                if (next != null) batch.add(text(next));
                return batch.size() == 3;
            });
            assertThat(batch).containsExactly("a", "b", "c");

            AtomicLong forced = forcedDeliveries(shard.consumer());
            long before = forced.get();
            assertThat(shard.receiver().nextBuffered()).isNull();
            assertThat(forced.get()).as("an empty buffer answered without asking the broker").isEqualTo(before);
            assertThat(shard.consumer().receiveNoWait()).isNull();
            assertThat(forced.get()).as("what receiveNoWait costs, for comparison").isEqualTo(before + 1);
            shard.session().commit();
        } finally {
            factory.destroy();
        }
    }

    @Test
    void withoutAWindowEveryMessageIsAskedForAndTheBatchIsStillFilled() throws Exception {
        CachingConnectionFactory factory = new CachingConnectionFactory(
                new ActiveMQConnectionFactory("tcp://localhost:" + port + "?consumerWindowSize=0"));
        try {
            Shard shard = Shard.withThreeMessages(factory, "hub.work.test.nowindow");
            assertThat(shard.receiver().readsTheBuffer()).isFalse();
            List<String> batch = new ArrayList<>(List.of(text(shard.consumer().receive(5000))));
            Message next;
            while ((next = shard.receiver().nextBuffered()) != null) batch.add(text(next));
            assertThat(batch).containsExactly("a", "b", "c");
            shard.session().commit();
        } finally {
            factory.destroy();
        }
    }

    /** A shard's consumer as ShardConsumer has it (a transacted session of a started connection), "a", "b", "c" sent to it. */
    private record Shard(Session session, MessageConsumer consumer, BufferedReceiver receiver) {
        static Shard withThreeMessages(CachingConnectionFactory factory, String name) throws Exception {
            Connection connection = factory.createConnection();
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            Queue queue = session.createQueue(name);
            MessageConsumer consumer = session.createConsumer(queue);
            Shard shard = new Shard(session, consumer, new BufferedReceiver(consumer));
            send(factory, queue, "a", "b", "c");
            return shard;
        }
    }

    private static void send(CachingConnectionFactory factory, Queue queue, String... texts) throws Exception {
        Connection connection = factory.createConnection();
        Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
        try (MessageProducer producer = session.createProducer(queue)) {
            for (String t : texts) producer.send(session.createTextMessage(t));
            session.commit();
        } finally {
            session.close();
        }
    }

    private static String text(Message m) throws Exception {
        return ((TextMessage) m).getText();
    }

    /** Artemis's own count of the deliveries this consumer asked the broker to force. */
    private static AtomicLong forcedDeliveries(MessageConsumer consumer) throws Exception {
        ClientConsumerInternal core = BufferedReceiver.artemisConsumerOf(consumer);
        assertThat(core).isNotNull();
        Field count = core.getClass().getDeclaredField("forceDeliveryCount");
        count.setAccessible(true);
        return (AtomicLong) count.get(core);
    }
}
