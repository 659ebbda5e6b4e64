package vn.gov.lgsp.hub.cluster;

import java.nio.file.Path;
import java.util.HashSet;
import org.apache.activemq.artemis.core.config.FileDeploymentManager;
import org.apache.activemq.artemis.core.config.impl.FileConfiguration;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;

/**
 * An Artemis broker in the test's JVM configured by deploy/broker.xml itself (its address settings and security
 * settings: what production merges into its broker), on a given port and a private folder, with one user, the
 * hub's, in the role {@code lgsp-hub} the sample's permissions name. The hub reaches it only through its port.
 */
public final class DeployKitBroker implements AutoCloseable {
    public static final String HUB_USER = "lgsp-hub";
    private final EmbeddedActiveMQ broker;
    private final int port;

    private DeployKitBroker(EmbeddedActiveMQ broker, int port) {
        this.broker = broker;
        this.port = port;
    }

    public static DeployKitBroker start(int port, String hubPassword, Path dir) throws Exception {
        FileConfiguration config = new FileConfiguration();
        FileDeploymentManager deployment = new FileDeploymentManager(Path.of("deploy", "broker.xml").toUri().toString());
        deployment.addDeployable(config);
        deployment.readConfiguration();
        config.setAcceptorConfigurations(new HashSet<>()); // the sample's 0.0.0.0:61616 is not this test's to take
        config.addAcceptorConfiguration("core", "tcp://localhost:" + port);
        config.setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setLargeMessagesDirectory(dir.resolve("large-messages").toString())
                .setPagingDirectory(dir.resolve("paging").toString());
        SecurityConfiguration users = new SecurityConfiguration();
        users.addUser(HUB_USER, hubPassword);
        users.addRole(HUB_USER, "lgsp-hub");
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(config)
                .setSecurityManager(new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), users));
        broker.start();
        return new DeployKitBroker(broker, port);
    }

    public String url() {
        return "tcp://localhost:" + port + "?consumerWindowSize=0";
    }

    /** Messages on the queues whose name starts with {@code prefix}, scheduled and in delivery included. */
    public long messageCount(String prefix) {
        return queues(prefix).mapToLong(Queue::getMessageCount).sum();
    }

    /** Messages ever added to the queues whose name starts with {@code prefix}. */
    public long messagesAdded(String prefix) {
        return queues(prefix).mapToLong(Queue::getMessagesAdded).sum();
    }

    private java.util.stream.Stream<Queue> queues(String prefix) {
        return broker.getActiveMQServer().getPostOffice().getAllBindings()
                .filter(b -> b.getBindable() instanceof Queue q && q.getName().toString().startsWith(prefix))
                .map(b -> (Queue) b.getBindable());
    }

    @Override
    public void close() throws Exception {
        broker.stop();
    }
}
