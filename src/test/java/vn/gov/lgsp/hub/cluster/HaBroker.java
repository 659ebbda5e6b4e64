package vn.gov.lgsp.hub.cluster;

import java.nio.file.Path;
import java.util.List;
import org.apache.activemq.artemis.core.config.ClusterConnectionConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.ha.SharedStoreBackupPolicyConfiguration;
import org.apache.activemq.artemis.core.config.ha.SharedStorePrimaryPolicyConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import vn.gov.lgsp.hub.infra.EmbeddedArtemisSettings;

/**
 * One broker of an Artemis primary/backup pair on a shared store, run as its own JVM ({@code ChildJvm}) so that a
 * test can kill it with SIGKILL as a machine failure would: the store's file lock is then released by the
 * operating system and the backup, waiting on that lock, becomes active on the same journal. The same HA policy
 * as deploy/broker-ha.xml, with the hub's work-address settings ({@link EmbeddedArtemisSettings}).
 *
 * <p>System properties: {@code ha.role} (primary or backup), {@code ha.port} (its acceptor), {@code ha.peer-port}
 * (the other broker's), {@code ha.store} (the shared folder: journal, bindings, paging, large messages and the
 * server lock). Prints {@code HA-BROKER <role> ACTIVE} once it serves clients.
 */
public final class HaBroker {
    private HaBroker() {
    }

    public static void main(String[] args) throws Exception {
        quietLogs();
        String role = System.getProperty("ha.role");
        int port = Integer.getInteger("ha.port");
        int peerPort = Integer.getInteger("ha.peer-port");
        Path store = Path.of(System.getProperty("ha.store"));
        Configuration config = new ConfigurationImpl()
                .setName("lgsp-artemis-" + role)
                .setPersistenceEnabled(true).setSecurityEnabled(false)
                .setJournalDirectory(store.resolve("journal").toString())
                .setBindingsDirectory(store.resolve("bindings").toString())
                .setLargeMessagesDirectory(store.resolve("large-messages").toString())
                .setPagingDirectory(store.resolve("paging").toString())
                .addAcceptorConfiguration("core", "tcp://localhost:" + port)
                // what this broker tells clients (the topology the hub's connection factory learns) and its peer
                .addConnectorConfiguration("self", "tcp://localhost:" + port)
                .addConnectorConfiguration("peer", "tcp://localhost:" + peerPort)
                // the pair announces itself to clients through a cluster connection: without it a client connected to
                // the primary never learns the backup's address and reconnects to the dead primary forever
                .addClusterConfiguration(new ClusterConnectionConfiguration().setName("lgsp-pair").setConnectorName("self")
                        .setStaticConnectors(List.of("peer")).setRetryInterval(500))
                .setClusterPassword("ha-test-cluster")
                .setHAPolicyConfiguration("primary".equals(role)
                        ? new SharedStorePrimaryPolicyConfiguration().setFailoverOnServerShutdown(true)
                        : new SharedStoreBackupPolicyConfiguration().setFailoverOnServerShutdown(true).setAllowFailBack(false));
        new EmbeddedArtemisSettings().hubWorkQueueSettings().customize(config);
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(config);
        broker.start(); // a backup returns at once and waits for the store's lock in the background
        while (!broker.getActiveMQServer().isActive()) Thread.sleep(100);
        System.out.println("HA-BROKER " + role + " ACTIVE");
        Thread.currentThread().join(); // until killed
    }

    /** Artemis' INFO lines (activation, backup announced) stay; debug output and the per-message audit log do not. */
    private static void quietLogs() {
        level(org.slf4j.Logger.ROOT_LOGGER_NAME, ch.qos.logback.classic.Level.INFO);
        level("org.apache.activemq.audit", ch.qos.logback.classic.Level.WARN);
    }

    private static void level(String logger, ch.qos.logback.classic.Level level) {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(logger)).setLevel(level);
    }
}
