package vn.gov.lgsp.hub.infra;

import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded broker's address settings for the hub's work queues, the same as README.md asks of a production
 * broker.xml: the hub carries its own retry policy (scheduled redelivery), so a rollback (database or broker
 * hiccup inside the hub) must never make the broker discard a message: unlimited delivery attempts, a short
 * redelivery delay so a failing hub does not spin; and exclusive queues, so that each shard of a partner's work
 * (hub.work.&lt;partner&gt;.&lt;n&gt;) is worked by one consumer at a time even with several hub instances.
 */
@Configuration
public class EmbeddedArtemisSettings {
    @Bean
    public ArtemisConfigurationCustomizer hubWorkQueueSettings() {
        return config -> {
            config.addAddressSetting("hub.work.#", new AddressSettings()
                    .setMaxDeliveryAttempts(-1)
                    // 0: work handed back (a rolled-back batch, a consumer gone) keeps its place ahead of later work;
                    // the hub paces its own retries (ShardConsumer pauses after a rollback, backoff is the hub's)
                    .setRedeliveryDelay(0)
                    .setDefaultExclusiveQueue(true)   // one consumer at a time per shard: order per dossier
                    .setAutoCreateQueues(true)
                    .setAutoCreateAddresses(true));
            // Artemis waits this long to gather commits into one disk sync. Its default (3.33 ms for the NIO journal)
            // suits slow disks; `artemis create` measures the disk and sets it, as done here: a sync takes ~0.2 ms on
            // these machines (dd oflag=dsync), so 1 ms still groups many commits per sync.
            config.setJournalBufferTimeout_NIO(1_000_000);
            config.setJournalSyncTransactional(true);
            config.setJournalSyncNonTransactional(true);
        };
    }

    /**
     * A standalone broker of its own on {@code port}, persistent in {@code dir}, with the hub's address settings: for
     * tests and benchmarks that run hubs in child JVMs (they reach it over TCP, as production does).
     */
    public static org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ standaloneBroker(int port, java.nio.file.Path dir) throws Exception {
        org.apache.activemq.artemis.core.config.Configuration config = new org.apache.activemq.artemis.core.config.impl.ConfigurationImpl()
                .setPersistenceEnabled(true).setSecurityEnabled(false)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setLargeMessagesDirectory(dir.resolve("large").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .addAcceptorConfiguration("netty", "tcp://localhost:" + port);
        new EmbeddedArtemisSettings().hubWorkQueueSettings().customize(config);
        org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ broker =
                new org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ().setConfiguration(config);
        broker.start();
        return broker;
    }
}
