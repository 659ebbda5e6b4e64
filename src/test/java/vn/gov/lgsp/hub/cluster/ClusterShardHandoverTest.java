package vn.gov.lgsp.hub.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import vn.gov.lgsp.hub.infra.ChildJvm;

/**
 * A shard queue changing consumer, as when the instance working it dies or stops and another instance's standby
 * consumer takes the exclusive queue over: the work the first consumer held (received, not committed) must come
 * back before the work queued after it, or a dossier's later work overtakes its earlier work. On Artemis 2.40 that
 * holds only with no redelivery delay on the work addresses and no consumer prefetch (consumerWindowSize=0);
 * with the redelivery delay README's broker.xml had (1 s), or with the default prefetch once the first consumer has the
 * later work in its buffer, the later work comes first.
 */
class ClusterShardHandoverTest {

    @Test
    void withoutRedeliveryDelayAndPrefetchTheHeldWorkComesBackFirst() throws Exception {
        assertThat(handover(0, "?consumerWindowSize=0", 1)).containsExactly("earlier", "later");
    }

    @Test
    void aRedeliveryDelayOrAPrefetchLetsLaterWorkOvertake() throws Exception {
        assertThat(handover(1000, "?consumerWindowSize=0", 1)).containsExactly("later", "earlier");
        assertThat(handover(0, "", 2)).containsExactly("later", "earlier"); // "later" prefetched by the first consumer
    }

    /**
     * The order in which the standby consumer gets the two messages after the first consumer's connection closes.
     * {@code heldByFirst}: how many messages the broker has handed the first consumer when it goes away (1 without
     * prefetch; 2 with it, once the broker's asynchronous delivery of "later" into its buffer has happened, which
     * the test waits for rather than racing it).
     */
    private static List<String> handover(long redeliveryDelay, String urlOptions, int heldByFirst) throws Exception {
        int port = ChildJvm.freePort();
        Configuration config = new ConfigurationImpl().setPersistenceEnabled(false).setSecurityEnabled(false)
                .addAcceptorConfiguration("tcp", "tcp://localhost:" + port);
        config.addAddressSetting("hub.work.#", new AddressSettings().setDefaultExclusiveQueue(true).setMaxDeliveryAttempts(-1)
                .setRedeliveryDelay(redeliveryDelay).setRedeliveryMultiplier(2).setMaxRedeliveryDelay(30_000)
                .setAutoCreateQueues(true).setAutoCreateAddresses(true));
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(config);
        broker.start();
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("tcp://localhost:" + port + urlOptions)) {
            Connection first = cf.createConnection();
            first.start();
            Session firstSession = first.createSession(true, Session.SESSION_TRANSACTED);
            Queue shard = firstSession.createQueue("hub.work.partner.0");
            MessageConsumer working = firstSession.createConsumer(shard);
            try (Connection standbyConnection = cf.createConnection(); Connection sender = cf.createConnection()) {
                standbyConnection.start();
                Session standbySession = standbyConnection.createSession(true, Session.SESSION_TRANSACTED);
                MessageConsumer standby = standbySession.createConsumer(shard); // waits: the queue is exclusive
                Session s = sender.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer p = s.createProducer(shard);
                p.send(s.createTextMessage("earlier"));
                assertThat(((TextMessage) working.receive(5000)).getText()).isEqualTo("earlier"); // held in a batch
                p.send(s.createTextMessage("later"));
                org.apache.activemq.artemis.core.server.Queue queue =
                        broker.getActiveMQServer().locateQueue("hub.work.partner.0");
                await().atMost(Duration.ofSeconds(10)).until(() -> queue.getDeliveringCount() == heldByFirst
                        && queue.getMessageCount() == 2);
                first.close(); // the working instance goes away without committing
                List<String> got = new ArrayList<>();
                for (int i = 0; i < 2; i++) got.add(((TextMessage) standby.receive(10_000)).getText());
                standbySession.commit();
                return got;
            }
        } finally {
            broker.stop();
        }
    }
}
