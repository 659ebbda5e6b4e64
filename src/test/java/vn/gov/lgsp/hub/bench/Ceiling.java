package vn.gov.lgsp.hub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The machine's ceiling for the hub's physical work, hand-written, no Camel and no hub code: consume the same
 * events from Kafka, make the same two HTTP calls per event to the same simulators (Apache httpclient5, a fixed
 * number in flight), insert as many rows per event as the hub wrote in its own run (measured, batched, one
 * transaction per batch, a SHA-256 digest per row as the audit chain has), publish the same updates to Kafka,
 * commit the offsets after all of it. Variant "artemis" adds one durable step: each partner call becomes a
 * persistent message (message group = dossier) sent in one transaction per Kafka batch and consumed by
 * transacted consumers, up to 100 messages per transaction, as the hub's broker would hold it. Variant "lean"
 * ({@link #lean}, bench/run.sh --sustained) is the same with Artemis, concurrent and with one row per message exchanged.
 */
final class Ceiling {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter PORTAL_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    static final String TABLE = "bench_ceiling_row";

    /** One partner HTTP call; {@code update} is the dossier update it yields, or null. */
    record Call(String eventId, String dossier, String kind, String update, String body) {}

    record Partners(String portalBase, String portalUser, String portalPassword, String dstcode, String madonvi,
                    String zaloBase, String zaloAppId, String zaloAppSecret, String zaloRefreshToken) {}

    private final String bootstrap;
    private final String jdbcUrl;
    private final Partners partners;
    private final int rowsPerEvent;
    private final CloseableHttpClient http;
    private final KafkaProducer<String, String> updates;
    private final String updatesTopic;
    private volatile String portalSession;
    private volatile String zaloToken;
    final AtomicLong calls = new AtomicLong();
    final AtomicLong partnerErrors = new AtomicLong();
    final AtomicLong rows = new AtomicLong();

    Ceiling(String bootstrap, String jdbcUrl, Partners partners, int rowsPerEvent, String updatesTopic) throws Exception {
        this.bootstrap = bootstrap;
        this.jdbcUrl = jdbcUrl;
        this.partners = partners;
        this.rowsPerEvent = rowsPerEvent;
        this.updatesTopic = updatesTopic;
        this.http = HttpClients.custom().setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(512).setMaxConnPerRoute(256).build()).build();
        this.updates = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 1,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
        try (var c = DriverManager.getConnection(jdbcUrl); var st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id BIGSERIAL PRIMARY KEY, event_id VARCHAR(64) NOT NULL,"
                    + " kind VARCHAR(16) NOT NULL, digest VARCHAR(64) NOT NULL, payload TEXT, recorded_at TIMESTAMPTZ NOT NULL DEFAULT now())");
        }
        login();
    }

    private void login() throws Exception {
        ObjectNode login = JSON.createObjectNode().put("username", partners.portalUser()).put("password", partners.portalPassword());
        portalSession = post(partners.portalBase() + "/adapter/login", Map.of("dstcode", partners.dstcode()), login.toString(),
                ContentType.APPLICATION_JSON).path("session").asText();
        String form = "app_id=" + partners.zaloAppId() + "&grant_type=refresh_token&refresh_token="
                + URLEncoder.encode(partners.zaloRefreshToken(), StandardCharsets.UTF_8);
        zaloToken = post(partners.zaloBase() + "/v4/oa/access_token", Map.of("secret_key", partners.zaloAppSecret()), form,
                ContentType.APPLICATION_FORM_URLENCODED).path("access_token").asText();
        if (portalSession.isEmpty() || zaloToken.isEmpty()) throw new IllegalStateException("ceiling could not log in to the simulators");
    }

    // ---------------------------------------------------------------- the work of one event

    /** The partner calls an event needs, with the bodies the partners expect (built from the event JSON). */
    List<Call> calls(String eventJson) throws Exception {
        JsonNode e = JSON.readTree(eventJson);
        String id = e.get("eventId").asText();
        String type = e.get("eventType").asText();
        JsonNode d = e.get("dossier");
        String code = d.get("code").asText();
        String at = portalTime(e.get("occurredAt").asText());
        ObjectNode hs = JSON.createObjectNode().put("MaHoSo", code).put("MaTTHC", d.path("procedureCode").asText())
                .put("TenTTHC", d.path("procedureName").asText()).put("ChuHoSo", d.path("applicant").path("fullName").asText())
                .put("SoDienThoai", d.path("applicant").path("phone").asText()).put("NgayTiepNhan", portalTime(d.path("receivedAt").asText()))
                .put("NgayHenTra", portalTime(d.path("dueAt").asText())).put("NgayCapNhat", at).put("TrangThaiHoSo", d.path("status").asInt())
                .put("HinhThuc", d.path("channel").asInt() == 1 ? 0 : 1).put("DonViXuLy", d.path("agencyName").asText());
        ObjectNode sync = JSON.createObjectNode().put("session", "${session}").put("madonvi", partners.madonvi())
                .put("service", "DongBoHoSoMC").put("isUpdating", !type.equals("DOSSIER_RECEIVED"));
        sync.putArray("data").add(hs);
        List<Call> calls = new ArrayList<>(2);
        if (type.equals("DOSSIER_RECEIVED")) {
            calls.add(new Call(id, code, "SYNC", "PORTAL_SYNCED", sync.toString()));
            ObjectNode zns = JSON.createObjectNode().put("phone", "84" + d.path("applicant").path("phone").asText().substring(1))
                    .put("template_id", "301001");
            zns.putObject("template_data").put("customer_name", d.path("applicant").path("fullName").asText())
                    .put("receipt_code", code).put("procedure_name", d.path("procedureName").asText())
                    .put("appointment_date", d.path("dueAt").asText().substring(0, 10));
            zns.put("tracking_id", UUID.randomUUID().toString());
            calls.add(new Call(id, code, "ZNS", "CITIZEN_NOTIFIED", zns.toString()));
        } else {
            calls.add(new Call(id, code, "SYNC", null, sync.toString()));
            JsonNode step = e.path("detail").path("step");
            ObjectNode p = JSON.createObjectNode().put("MaHoSo", code).put("NguoiXuLy", step.path("handler").asText())
                    .put("ThoiDiemXuLy", at).put("PhongBanXuLy", step.path("department").asText())
                    .put("NoiDungXuLy", step.path("content").asText()).put("TrangThai", d.path("status").asInt());
            ObjectNode progress = JSON.createObjectNode().put("session", "${session}").put("madonvi", partners.madonvi())
                    .put("service", "CapNhatTienDoHoSoMC");
            progress.putArray("data").add(p);
            calls.add(new Call(id, code, "PROGRESS", "PORTAL_SYNCED", progress.toString()));
        }
        return calls;
    }

    private static String portalTime(String iso) {
        return OffsetDateTime.parse(iso).format(PORTAL_TIME);
    }

    void call(Call c) throws Exception {
        JsonNode answer;
        if (c.kind().equals("ZNS")) {
            answer = post(partners.zaloBase() + "/message/template", Map.of("access_token", zaloToken), c.body(), ContentType.APPLICATION_JSON);
            if (answer.path("error").asInt(-1) != 0) partnerErrors.incrementAndGet();
        } else {
            answer = post(partners.portalBase() + "/adapter/integration", Map.of(), c.body().replace("${session}", portalSession),
                    ContentType.APPLICATION_JSON);
            if (answer.path("error_code").asInt(-1) != 0) partnerErrors.incrementAndGet();
        }
        calls.incrementAndGet();
    }

    private JsonNode post(String url, Map<String, String> headers, String body, ContentType type) throws Exception {
        HttpPost post = new HttpPost(url);
        headers.forEach(post::setHeader);
        post.setEntity(new StringEntity(body, type.withCharset(StandardCharsets.UTF_8)));
        return http.execute(post, r -> JSON.readTree(EntityUtils.toString(r.getEntity(), StandardCharsets.UTF_8)));
    }

    /** Runs each dossier's calls in order, different dossiers in parallel, and waits for all of them. */
    static void callAll(Ceiling ceiling, List<Call> calls, ExecutorService pool) throws Exception {
        Map<String, List<Call>> byDossier = new LinkedHashMap<>();
        for (Call c : calls) byDossier.computeIfAbsent(c.dossier(), k -> new ArrayList<>()).add(c);
        List<Future<?>> running = new ArrayList<>(byDossier.size());
        for (List<Call> mine : byDossier.values()) {
            running.add(pool.submit(() -> {
                for (Call c : mine) ceiling.call(c);
                return null;
            }));
        }
        for (Future<?> f : running) f.get();
    }

    /** Batched insert of rows (event id, kind, payload) with a SHA-256 digest each, in one transaction. */
    void insertRows(java.sql.Connection db, List<String[]> rowsToInsert) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO " + TABLE + " (event_id, kind, digest, payload) VALUES (?,?,?,?)")) {
            for (String[] r : rowsToInsert) {
                ps.setString(1, r[0]);
                ps.setString(2, r[1]);
                ps.setString(3, HexFormat.of().formatHex(sha.digest(r[2].getBytes(StandardCharsets.UTF_8))));
                ps.setString(4, r[2]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        db.commit();
        rows.addAndGet(rowsToInsert.size());
    }

    void publishUpdates(List<Call> done) {
        for (Call c : done) {
            if (c.update() == null) continue;
            String updateId = (c.kind().equals("ZNS") ? "zalo:" : "portal:") + c.eventId();
            ObjectNode u = JSON.createObjectNode().put("updateId", updateId).put("dossierCode", c.dossier())
                    .put("updateType", c.update()).put("occurredAt", OffsetDateTime.now().toString());
            updates.send(new ProducerRecord<>(updatesTopic, c.dossier(), u.toString()));
        }
        updates.flush();
    }

    /** The rows of one event: the inbound record, then audit-like rows until the hub's measured count. */
    void rowsOf(String eventId, String eventJson, List<Call> calls, int from, int to, List<String[]> out) {
        for (int i = from; i < to; i++) {
            String payload = i == 0 ? eventJson : calls.get(i % calls.size()).body();
            out.add(new String[] {eventId, i == 0 ? "INBOUND" : "AUDIT", payload});
        }
    }

    private KafkaConsumer<String, String> consumer(String topic) {
        KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "ceiling-" + topic, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        c.subscribe(List.of(topic));
        return c;
    }

    // ---------------------------------------------------------------- the pipelines

    /** A running pipeline; close() stops its threads. */
    interface Running extends AutoCloseable {
        @Override
        void close() throws Exception;
    }

    /** Kafka -> HTTP (inFlight at once) -> PostgreSQL rows -> updates -> offsets, one batch at a time. */
    Running direct(String topic, int inFlight) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(inFlight);
        java.sql.Connection db = DriverManager.getConnection(jdbcUrl);
        db.setAutoCommit(false);
        KafkaConsumer<String, String> consumer = consumer(topic);
        Thread t = loop("ceiling-direct", () -> {
            ConsumerRecords<String, String> batch = consumer.poll(Duration.ofMillis(100));
            if (batch.isEmpty()) return;
            List<Call> all = new ArrayList<>();
            List<String[]> rowsToInsert = new ArrayList<>();
            for (ConsumerRecord<String, String> r : batch) {
                List<Call> mine = calls(r.value());
                all.addAll(mine);
                rowsOf(mine.get(0).eventId(), r.value(), mine, 0, rowsPerEvent, rowsToInsert);
            }
            try {
                callAll(this, all, pool);
                insertRows(db, rowsToInsert);
                publishUpdates(all);
                consumer.commitSync();
            } catch (Exception e) {
                // nothing was committed: read the batch again (a partner blip must not lose events)
                db.rollback();
                for (var tp : batch.partitions()) consumer.seek(tp, batch.records(tp).get(0).offset());
                throw e;
            }
        });
        return () -> {
            stop(t);
            consumer.close();
            db.close();
            pool.shutdownNow();
        };
    }

    /**
     * Kafka -> (inbox rows, one persistent message per partner call, one broker transaction per batch) -> offsets;
     * then {@code consumers} transacted consumers: up to 100 messages -> HTTP -> rows -> updates -> commit.
     */
    Running withArtemis(String topic, ConnectionFactory cf, String queueName, int consumers, int inFlight) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(inFlight);
        Connection jms = cf.createConnection();
        // a connection the client gave up on leaves every session closed: the phase is void, not a slow one
        jms.setExceptionListener(e -> broken = "its broker connection failed (" + e.getMessage() + ")");
        jms.start();
        int inboxRows = Math.min(2, rowsPerEvent);
        List<Thread> threads = new ArrayList<>();
        List<AutoCloseable> resources = new ArrayList<>();

        java.sql.Connection inboxDb = DriverManager.getConnection(jdbcUrl);
        inboxDb.setAutoCommit(false);
        resources.add(inboxDb);
        KafkaConsumer<String, String> consumer = consumer(topic);
        Session sendSession = jms.createSession(true, Session.SESSION_TRANSACTED);
        Queue queue = sendSession.createQueue(queueName);
        MessageProducer producer = sendSession.createProducer(queue);
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        threads.add(loop("ceiling-artemis-in", () -> {
            ConsumerRecords<String, String> batch = consumer.poll(Duration.ofMillis(100));
            if (batch.isEmpty()) return;
            List<String[]> rowsToInsert = new ArrayList<>();
            for (ConsumerRecord<String, String> r : batch) {
                List<Call> mine = calls(r.value());
                for (Call c : mine) {
                    TextMessage m = sendSession.createTextMessage(c.body());
                    m.setStringProperty("eventId", c.eventId());
                    m.setStringProperty("dossier", c.dossier());
                    m.setStringProperty("kind", c.kind());
                    if (c.update() != null) m.setStringProperty("update", c.update());
                    m.setStringProperty("JMSXGroupID", c.dossier());
                    producer.send(m);
                }
                rowsOf(mine.get(0).eventId(), r.value(), mine, 0, inboxRows, rowsToInsert);
            }
            sendSession.commit(); // broker first, then the database, then the offsets (as the hub does)
            insertRows(inboxDb, rowsToInsert);
            consumer.commitSync();
        }));

        int restPerCall = Math.max(0, rowsPerEvent - inboxRows);
        for (int i = 0; i < consumers; i++) {
            Session s = jms.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer mc = s.createConsumer(s.createQueue(queueName));
            java.sql.Connection db = DriverManager.getConnection(jdbcUrl);
            db.setAutoCommit(false);
            resources.add(db);
            threads.add(loop("ceiling-artemis-work-" + i, () -> {
                Message first = mc.receive(100);
                if (first == null) return;
                List<Call> batch = new ArrayList<>();
                Message m = first;
                while (m != null && batch.size() < 100) {
                    batch.add(new Call(m.getStringProperty("eventId"), m.getStringProperty("dossier"), m.getStringProperty("kind"),
                            m.getStringProperty("update"), ((TextMessage) m).getText()));
                    m = batch.size() < 100 ? mc.receiveNoWait() : null;
                }
                callAll(this, batch, pool);
                List<String[]> rowsToInsert = new ArrayList<>();
                for (Call c : batch) {
                    // split the event's remaining rows over its two calls
                    int share = c.kind().equals("SYNC") ? restPerCall - restPerCall / 2 : restPerCall / 2;
                    for (int r = 0; r < share; r++) rowsToInsert.add(new String[] {c.eventId(), "AUDIT", c.body()});
                }
                insertRows(db, rowsToInsert);
                publishUpdates(batch);
                s.commit();
            }));
        }
        return () -> {
            for (Thread t : threads) stop(t);
            consumer.close();
            jms.close();
            for (AutoCloseable r : resources) r.close();
            pool.shutdownNow();
        };
    }

    /**
     * The lean, concurrent ceiling ({@code bench/run.sh --sustained}): the same partner calls and updates as the
     * others, but no more rows than the messages exchanged (one for the event received, one per partner call, one per
     * update published: not the hub's row count) and nothing serial. One loop per Kafka partition: poll -> one
     * persistent message per partner call (group = dossier), all of the batch in one broker transaction (the one
     * durable Artemis step) -> the events' rows -> offsets; then {@code consumers} transacted consumers: up to 100
     * messages -> HTTP ({@code inFlight} at once, one dossier's calls in order) -> a row per call and per update ->
     * updates -> commit. What a hand-written service would do for the same visible outcome.
     */
    Running lean(String topic, int partitions, ConnectionFactory cf, String queueName, int consumers, int inFlight) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(inFlight);
        Connection jms = cf.createConnection();
        jms.start();
        List<Thread> threads = new ArrayList<>();
        List<AutoCloseable> resources = new ArrayList<>();
        for (int partition = 0; partition < partitions; partition++) {
            java.sql.Connection db = DriverManager.getConnection(jdbcUrl);
            db.setAutoCommit(false);
            resources.add(db);
            KafkaConsumer<String, String> consumer = consumer(topic, partition);
            resources.add(consumer::close);
            Session session = jms.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(session.createQueue(queueName));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            threads.add(loop("ceiling-lean-in-" + partition, () -> {
                ConsumerRecords<String, String> batch = consumer.poll(Duration.ofMillis(100));
                if (batch.isEmpty()) return;
                List<String[]> rowsToInsert = new ArrayList<>(batch.count());
                for (ConsumerRecord<String, String> r : batch) {
                    List<Call> mine = calls(r.value());
                    for (Call c : mine) {
                        TextMessage m = session.createTextMessage(c.body());
                        m.setStringProperty("eventId", c.eventId());
                        m.setStringProperty("dossier", c.dossier());
                        m.setStringProperty("kind", c.kind());
                        if (c.update() != null) m.setStringProperty("update", c.update());
                        m.setStringProperty("JMSXGroupID", c.dossier());
                        producer.send(m);
                    }
                    rowsToInsert.add(new String[] {mine.get(0).eventId(), "INBOUND", r.value()});
                }
                session.commit(); // broker first, then the database, then the offsets (as the hub does)
                insertRows(db, rowsToInsert);
                consumer.commitSync();
            }));
        }
        for (int i = 0; i < consumers; i++) {
            Session s = jms.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer mc = s.createConsumer(s.createQueue(queueName));
            java.sql.Connection db = DriverManager.getConnection(jdbcUrl);
            db.setAutoCommit(false);
            resources.add(db);
            threads.add(loop("ceiling-lean-work-" + i, () -> {
                Message m = mc.receive(100);
                List<Call> batch = new ArrayList<>();
                while (m != null) {
                    batch.add(new Call(m.getStringProperty("eventId"), m.getStringProperty("dossier"), m.getStringProperty("kind"),
                            m.getStringProperty("update"), ((TextMessage) m).getText()));
                    m = batch.size() < 100 ? mc.receiveNoWait() : null;
                }
                if (batch.isEmpty()) return;
                try {
                    callAll(this, batch, pool);
                    List<String[]> rowsToInsert = new ArrayList<>(batch.size() * 2);
                    for (Call c : batch) {
                        rowsToInsert.add(new String[] {c.eventId(), c.kind(), c.body()});
                        if (c.update() != null) rowsToInsert.add(new String[] {c.eventId(), "UPDATE", c.update() + " " + c.dossier()});
                    }
                    insertRows(db, rowsToInsert);
                    publishUpdates(batch);
                    s.commit();
                } catch (Exception e) {
                    // the messages go back to the queue (a partner blip must not lose work)
                    db.rollback();
                    s.rollback();
                    throw e;
                }
            }));
        }
        return () -> {
            for (Thread t : threads) stop(t);
            jms.close();
            for (AutoCloseable r : resources) r.close();
            pool.shutdownNow();
        };
    }

    /** A consumer of one partition (assigned, no rebalancing), committing its offsets for the topic's group. */
    private KafkaConsumer<String, String> consumer(String topic, int partition) {
        KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "ceiling-" + topic, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        c.assign(List.of(new org.apache.kafka.common.TopicPartition(topic, partition)));
        return c;
    }

    interface Step {
        void run() throws Exception;
    }

    private final Map<Thread, java.util.concurrent.atomic.AtomicBoolean> stopFlags = new java.util.concurrent.ConcurrentHashMap<>();

    /** Why the pipeline cannot go on (its broker connection failed), or null. */
    private volatile String broken;

    String broken() {
        return broken;
    }

    /**
     * Runs a step until stopped. A failed step is tried again (a partner's blip must not end the pipeline) after a
     * moment, and said at most once a second; once the pipeline is {@link #broken} the loop ends.
     */
    private Thread loop(String name, Step step) {
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread t = new Thread(() -> {
            long lastSaid = 0;
            int unsaid = 0;
            while (!stop.get()) {
                try {
                    step.run();
                } catch (Exception e) {
                    if (stop.get()) return;
                    if (broken != null) {
                        System.err.println(name + ": stopped, " + broken);
                        return;
                    }
                    if (System.nanoTime() - lastSaid > 1_000_000_000L) {
                        System.err.println(name + ": " + e + (unsaid > 0 ? " (and " + unsaid + " failures before it not shown)" : ""));
                        lastSaid = System.nanoTime();
                        unsaid = 0;
                    } else {
                        unsaid++;
                    }
                    LockSupport.parkNanos(10_000_000L); // not a hot loop on a failure that repeats
                }
            }
        }, name);
        stopFlags.put(t, stop);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void stop(Thread t) throws InterruptedException {
        stopFlags.remove(t).set(true);
        t.join(10_000);
    }

    void close() throws Exception {
        updates.close();
        http.close();
    }
}
