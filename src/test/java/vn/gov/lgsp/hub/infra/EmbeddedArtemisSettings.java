package vn.gov.lgsp.hub.infra;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
    private static final Logger log = LoggerFactory.getLogger(EmbeddedArtemisSettings.class);

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
            // Artemis holds each commit this long to gather others into the same disk sync. Its default (3.33 ms for
            // the NIO journal) suits slow disks; `artemis create` measures how long a sync takes where the journal is
            // written and sets that, as done here. With a fixed 1 ms (used before) a broker alone on these machines
            // committed in 1.8 ms at the median, against 0.8-1.1 ms with 0.1-0.3 ms (bench/PROFILING.md, "A
            // twenty-seventh look").
            config.setJournalBufferTimeout_NIO(journalBufferTimeoutNanos(config.getJournalLocation().toPath()));
            config.setJournalSyncTransactional(true);
            config.setJournalSyncNonTransactional(true);
        };
    }

    /** The NIO journal's default: the most a commit is held, however slow the disk. */
    private static final int NIO_DEFAULT_TIMEOUT_NANOS = 3_333_333, FLOOR_NANOS = 50_000;
    /** Measured once per JVM: the tests start many brokers, all on the same disk. */
    private static volatile Integer measuredSyncNanos;

    /**
     * How long one 4 KB write and data sync takes in {@code dir} (the fastest of three rounds of 32, as `artemis
     * create` takes the best of its tries), between 50 us and the NIO default of 3.33 ms.
     */
    static int journalBufferTimeoutNanos(Path dir) {
        Integer known = measuredSyncNanos;
        if (known != null) return known;
        long best = NIO_DEFAULT_TIMEOUT_NANOS;
        Path probe = null;
        try {
            Files.createDirectories(dir);
            probe = Files.createTempFile(dir, "sync-probe", ".tmp");
            try (FileChannel file = FileChannel.open(probe, StandardOpenOption.WRITE)) {
                ByteBuffer block = ByteBuffer.allocateDirect(4096);
                for (int round = 0; round < 3; round++) {
                    long start = System.nanoTime();
                    for (int i = 0; i < 32; i++) {
                        block.clear();
                        file.write(block, (long) i * 4096);
                        file.force(false);
                    }
                    best = Math.min(best, (System.nanoTime() - start) / 32);
                }
            }
        } catch (IOException e) {
            // the broker reports a journal it cannot write itself; the default is kept here, and said
            log.warn("the disk's sync time could not be measured in {} ({}): the embedded broker's journal-buffer-timeout"
                    + " stays at the NIO default of 3.33 ms", dir, e.toString());
            return measuredSyncNanos = NIO_DEFAULT_TIMEOUT_NANOS;
        } finally {
            if (probe != null) probe.toFile().delete();
        }
        measuredSyncNanos = (int) Math.max(FLOOR_NANOS, best);
        log.info("a disk sync takes {} us in {}: the embedded broker's journal-buffer-timeout", best / 1000, dir);
        return measuredSyncNanos;
    }

    /**
     * A standalone broker of its own on {@code port}, persistent in {@code dir}, with the hub's address settings: for
     * tests and benchmarks that run hubs in child JVMs (they reach it over TCP, as production does).
     */
    public static org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ standaloneBroker(int port, Path dir) throws Exception {
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
