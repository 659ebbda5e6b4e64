package vn.gov.lgsp.hub.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Real infrastructure in-process for the tests and the demo run: a KRaft Kafka broker and PostgreSQL (zonky's
 * embedded binaries), or PostgreSQL alone beside a Kafka broker running elsewhere ({@link #withKafkaAt}). Artemis runs
 * embedded inside the hub's Spring context (spring.artemis.mode=embedded). None of this is on the production classpath.
 */
public final class EmbeddedInfrastructure implements AutoCloseable {
    public static final String EVENTS_TOPIC = "onestop.dossier.events";
    public static final String UPDATES_TOPIC = "onestop.dossier.updates";

    /** The in-process broker, or null when Kafka runs elsewhere ({@link #withKafkaAt}). */
    private final EmbeddedKafkaKraftBroker kafka;
    private final String externalKafka;
    private final EmbeddedPostgres postgres;
    /** The application's database role: reads and writes the hub's tables, may only append to the audit log. */
    public static final String APP_ROLE = "lgsp_app";
    private final String appPassword = java.util.UUID.randomUUID().toString();
    private final DemoIssuer issuer;
    /** What runs on this infrastructure (the hub's Spring contexts): stopped before it, newest first. */
    private final java.util.Deque<AutoCloseable> users = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * @param kafkaPort    0 for a random port
     * @param postgresDir  data directory kept between runs, or null for a throw-away one
     * @param postgresPort 0 for a random port
     */
    public EmbeddedInfrastructure(int kafkaPort, Path postgresDir, int postgresPort) {
        this(kafkaPort, postgresDir, postgresPort, false);
    }

    /** @param statementStatistics load pg_stat_statements (the benchmark's -Dbench.db-statements) */
    public EmbeddedInfrastructure(int kafkaPort, Path postgresDir, int postgresPort, boolean statementStatistics) {
        this(embeddedKafka(kafkaPort), null, postgresDir, postgresPort, statementStatistics);
    }

    /**
     * PostgreSQL only, beside a Kafka broker running elsewhere (the sustained benchmark's broker in a JVM of its own):
     * {@link #kafkaBootstrap()} answers {@code kafkaBootstrap}; the broker is not stopped by {@link #close()}.
     */
    public static EmbeddedInfrastructure withKafkaAt(String kafkaBootstrap, boolean statementStatistics) {
        return new EmbeddedInfrastructure(null, kafkaBootstrap, null, 0, statementStatistics);
    }

    private EmbeddedInfrastructure(EmbeddedKafkaKraftBroker kafka, String externalKafka, Path postgresDir, int postgresPort,
                                   boolean statementStatistics) {
        quietBrokerLogs();
        this.kafka = kafka;
        this.externalKafka = externalKafka;
        try {
            EmbeddedPostgres.Builder pg = EmbeddedPostgres.builder()
                    // a first start runs initdb: on a busy 2-core machine that can take longer than zonky's 10 s
                    .setPGStartupWait(java.time.Duration.ofSeconds(60))
                    // zonky starts with synchronous_commit=off: durability claims need it on
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("shared_buffers", "256MB")
                    // checkpoints by time, not by WAL volume: flat out the hub wrote ~30 MB of WAL a second, and with
                    // the default 1 GB a checkpoint was forced every 20 s, each followed by a full-page image of every
                    // page touched again (a third of the WAL); what the README asks of a production database too
                    .setServerConfig("max_wal_size", "8GB")
                    .setServerConfig("checkpoint_timeout", "10min")
                    // stopped by close(), after the hubs using it: zonky's own hook would stop it while a hub is still
                    // stopping, and the hub's connection pool would then wait out its timeout for each statement
                    .setRegisterShutdownHook(false);
            if (statementStatistics) pg.setServerConfig("shared_preload_libraries", "pg_stat_statements");
            if (postgresDir != null) pg.setDataDirectory(postgresDir).setCleanDataDirectory(false);
            if (postgresPort > 0) pg.setPort(postgresPort);
            postgres = pg.start();
        } catch (IOException e) {
            if (kafka != null) kafka.destroy();
            throw new UncheckedIOException("embedded PostgreSQL did not start", e);
        }
        createAppRole();
        issuer = new DemoIssuer(Integer.getInteger("hub.dev.issuer-port", 0));
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "embedded-infrastructure-stop"));
    }

    /** A started KRaft broker of the tests' topics, on {@code kafkaPort} (0: a random port). */
    public static EmbeddedKafkaKraftBroker embeddedKafka(int kafkaPort) {
        quietBrokerLogs();
        EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 4, EVENTS_TOPIC, UPDATES_TOPIC);
        Map<String, String> brokerProperties = new LinkedHashMap<>(Map.of("auto.create.topics.enable", "true", "num.partitions", "4"));
        if (kafkaPort > 0) {
            // the KRaft test kit ignores kafkaPorts: its clients' listener is set instead (the controller's stays
            // random); a fixed port also lets an outage test start the stopped broker where its clients look for it
            brokerProperties.put("listeners", "EXTERNAL://localhost:" + kafkaPort + ",CONTROLLER://localhost:0");
        }
        kafka.brokerProperties(brokerProperties);
        kafka.afterPropertiesSet();
        return kafka;
    }

    /** The superuser "postgres" owns the schema (Flyway runs as it); the hub connects as {@link #APP_ROLE}. */
    private void createAppRole() {
        try (var con = postgres.getPostgresDatabase().getConnection(); var st = con.createStatement()) {
            st.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + APP_ROLE + "') THEN"
                    + " CREATE ROLE " + APP_ROLE + " LOGIN; END IF; END $$");
            st.execute("ALTER ROLE " + APP_ROLE + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '" + appPassword + "'");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("could not create the application role " + APP_ROLE, e);
        }
    }

    /** The token issuer of the tests and the demo run. */
    public DemoIssuer issuer() {
        return issuer;
    }

    /** A connection as the schema's owner (the superuser): what the application role cannot do. */
    public java.sql.Connection ownerConnection() throws java.sql.SQLException {
        return postgres.getPostgresDatabase().getConnection();
    }

    /** A connection as the application role. */
    public java.sql.Connection appConnection() throws java.sql.SQLException {
        return java.sql.DriverManager.getConnection(appJdbcUrl(), APP_ROLE, appPassword);
    }

    /** The database's URL naming no user. */
    public String appJdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
    }

    /**
     * Stops {@code user} (a hub's Spring context) before this infrastructure when the JVM exits or {@link #close()}
     * is called: a hub stopping while its database and brokers are already gone waits out every timeout it has.
     */
    public <T extends AutoCloseable> T closeFirst(T user) {
        users.push(user);
        return user;
    }

    /**
     * The brokers log at INFO before Spring's logging configuration exists; only their warnings matter here. Artemis
     * included: a test's own broker in this JVM (a cluster's) would otherwise log four audit lines per message.
     */
    private static void quietBrokerLogs() {
        for (String name : new String[] {"kafka", "org.apache.kafka", "state.change.logger", "io.zonky", "org.apache.activemq"}) {
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(name)).setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    /**
     * Stops the Kafka broker as an outage would: its clients lose it, its log folder stays (the KRaft controller of
     * the same test node keeps the cluster's metadata meanwhile). {@link #startKafkaBroker()} brings it back on the
     * same port and logs. Only for an infrastructure started with a fixed Kafka port.
     */
    public void stopKafkaBroker() {
        inProcessKafka().getCluster().brokers().values().forEach(broker -> broker.shutdown());
    }

    /** Starts the broker stopped by {@link #stopKafkaBroker()} again, on the same port and log folder. */
    public void startKafkaBroker() {
        inProcessKafka().getCluster().brokers().values().forEach(broker -> broker.startup());
    }

    private EmbeddedKafkaKraftBroker inProcessKafka() {
        if (kafka == null) throw new IllegalStateException("Kafka runs elsewhere (" + externalKafka + "): it is not this infrastructure's to stop or start");
        return kafka;
    }

    public String kafkaBootstrap() {
        return kafka == null ? externalKafka : kafka.getBrokersAsString();
    }

    /** Topics of 4 partitions, as the one-stop system's (a hub's consumers spread over them). */
    public void createTopics(String... names) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap()))) {
            admin.createTopics(Arrays.stream(names).map(name -> new NewTopic(name, 4, (short) 1)).toList()).all().get(30, TimeUnit.SECONDS);
        }
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    public int postgresPort() {
        return postgres.getPort();
    }

    /** The Spring properties that point the hub at this infrastructure, with Artemis embedded in the hub. */
    public Map<String, String> hubProperties(Path artemisDir) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("hub.kafka.bootstrap-servers", kafkaBootstrap());
        // without the user=postgres that zonky's URL carries: it would win over the username below
        p.put("spring.datasource.url", appJdbcUrl());
        p.put("spring.datasource.username", APP_ROLE);
        p.put("spring.datasource.password", appPassword);
        p.put("spring.flyway.user", "postgres");
        p.put("spring.flyway.password", "");
        p.put("spring.artemis.mode", "embedded");
        p.put("spring.artemis.embedded.enabled", "true");
        p.put("spring.artemis.embedded.persistent", "true");
        p.put("spring.artemis.embedded.data-directory", artemisDir.toString());
        p.putAll(issuer.hubProperties());
        return p;
    }

    /** Stops the hubs using it, then PostgreSQL and Kafka; once, whoever calls first (a test, the JVM's exit). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        for (AutoCloseable user; (user = users.poll()) != null; ) {
            try {
                user.close();
            } catch (Exception e) {
                System.err.println("stopping a hub before the embedded infrastructure: " + e);
            }
        }
        issuer.close();
        try {
            postgres.close();
        } catch (IOException ignored) {
            // shutting down anyway
        }
        if (kafka != null) kafka.destroy();
    }
}
