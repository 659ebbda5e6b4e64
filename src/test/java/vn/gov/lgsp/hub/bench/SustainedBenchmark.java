package vn.gov.lgsp.hub.bench;

import static vn.gov.lgsp.hub.bench.HubBenchmark.round;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import vn.gov.lgsp.connector.nationalportal.NationalPortalProperties;
import vn.gov.lgsp.connector.nationalportal.simulator.PortalSimulator;
import vn.gov.lgsp.connector.zalo.simulator.ZaloSimulator;
import vn.gov.lgsp.hub.infra.ChildJvm;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;

/**
 * {@code bench/run.sh --sustained} (bench/README.md): the hub alone in its JVM, as production runs it, measured over
 * phases long enough to call sustained, beside the lean ceiling of the same hour.
 * <p>
 * Processes: one hub instance ({@link HubJvm}: full JIT, the benchmark's G1 settings); PostgreSQL (embedded, its own
 * processes); and this bench JVM holding the embedded Kafka, a standalone Artemis broker (TCP, the hub's address
 * settings), the portal and Zalo simulators (no retained requests; Zalo's delivery receipts go to the hub's webhook),
 * the driver and, once the hub has been stopped, the lean ceiling ({@link Ceiling#lean}).
 * <p>
 * Flat-out phases last a duration, not an event count: events are fed continuously, never more than
 * {@code bench.sustained-window} of them unfinished (so the hub always has a backlog, and the phase drains in
 * seconds after it), and what completed between the end of a short ramp and the end of the window is counted, with
 * the CPU of every process and the hub database's transactions over the same window. Paced runs follow every event
 * from its publish to its last update. Warm-ups (JIT) are not reported. Not a test: it measures.
 */
public final class SustainedBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    // -Dbench.sustained-*: the full run's sizes (~20 min on 2 cores); shorten them for a smoke run
    private static final int SECONDS = Integer.getInteger("bench.sustained-seconds", 60);
    private static final int ROUNDS = Integer.getInteger("bench.sustained-rounds", 3);
    private static final int RAMP_SECONDS = Integer.getInteger("bench.sustained-ramp-seconds", 5);
    private static final int WINDOW = Integer.getInteger("bench.sustained-window", 3_000);
    private static final int WARMUP_SECONDS = Integer.getInteger("bench.sustained-warmup-seconds", 30);
    private static final int WARMUP_MAX_SECONDS = Integer.getInteger("bench.sustained-warmup-max-seconds", 180);
    private static final int RATE = Integer.getInteger("bench.rate", 200);
    private static final int PACED_RUNS = Integer.getInteger("bench.sustained-paced-runs", 5);
    private static final int PACED_SECONDS = Integer.getInteger("bench.sustained-paced-seconds", 30);
    private static final int P99_TARGET_MS = 50;
    private static final int IDLE_SECONDS = Integer.getInteger("bench.sustained-idle-seconds", 10);
    /**
     * The hub's heap: about what deploy/k8s gives it (70 % of a 1536 Mi limit), as production runs it. With 512m its
     * live set flat out (about 230 MB) left the young generation a quarter of the heap: a collection every 0.6 s, the
     * collector 12 % of the hub's CPU (bench/PROFILING.md, the twenty-eighth look).
     */
    private static final String HUB_HEAP = System.getProperty("bench.sustained-hub-heap", "1g");

    private final EmbeddedInfrastructure infra;
    private final String dbUrl;
    private final KafkaProducer<String, String> producer;
    private final PortalSimulator portal;
    private final ZaloSimulator zalo;
    private final Path out;
    private final GcPauses gcPauses = GcPauses.listen();
    /** The hub while it runs; null in the ceiling's phases (its CPU is then not a process of the phase). */
    private HubJvm hub;
    /** The brokers, each in a JVM of its own (as production runs them), for the hub's phases and the ceiling's. */
    private BrokerJvm kafka, artemis;
    /** The ceiling while it runs: a phase ends with an error once it is broken. */
    private Ceiling ceiling;

    private SustainedBenchmark(EmbeddedInfrastructure infra, String dbUrl, PortalSimulator portal, ZaloSimulator zalo, Path out) {
        this.infra = infra;
        this.dbUrl = dbUrl;
        this.out = out;
        this.portal = portal;
        this.zalo = zalo;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 1,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Path out = Path.of(System.getProperty("bench.out", "target/bench")).toAbsolutePath();
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        HubJvm.quietLogs();
        String run = "benchsustained" + UUID.randomUUID().toString().substring(0, 8);
        Path brokerDir = Files.createTempDirectory(out, "sustained-artemis-");
        BrokerJvm kafka = BrokerJvm.kafka(out), artemis = BrokerJvm.artemis(out, brokerDir);
        EmbeddedInfrastructure infra = EmbeddedInfrastructure.withKafkaAt(kafka.address(), HubBenchmark.DB_STATEMENTS);
        int brokerPort = Integer.parseInt(artemis.address());
        // partners' front doors: they count what they answer and keep nothing
        PortalSimulator portal = new PortalSimulator("bench-cluster", "bench-cluster-password");
        portal.setRetainRequests(false);
        ZaloSimulator zalo = new ZaloSimulator();
        zalo.setRetainRequests(false);
        String hubEvents = run + ".events", hubUpdates = run + ".updates";
        String ceilingEvents = run + ".ceiling.events", ceilingUpdates = run + ".ceiling.updates";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrap()))) {
            admin.createTopics(List.of(hubEvents, hubUpdates, ceilingEvents, ceilingUpdates).stream()
                    .map(t -> new NewTopic(t, 4, (short) 1)).toList()).all().get(30, TimeUnit.SECONDS);
        }
        String dbUrl = ChildJvm.newDatabase(infra, run);
        Map<String, String> props = HubJvm.properties(infra, dbUrl, brokerPort, portal, run);
        HubJvm.externalZalo(props, zalo);
        SustainedBenchmark bench = new SustainedBenchmark(infra, dbUrl, portal, zalo, out);
        bench.kafka = kafka;
        bench.artemis = artemis;

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("date", OffsetDateTime.now().toString());
        report.put("machine", HubBenchmark.machine());
        report.put("processes", "hub: a JVM of its own (-Xmx" + HUB_HEAP + ", collector "
                + HubJvm.collectorName() + "); PostgreSQL: its own processes; Kafka (KRaft) and"
                + " Artemis (TCP): a JVM each; bench JVM: the portal and Zalo simulators, the driver and the lean ceiling");
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("sustained_seconds", SECONDS);
        parameters.put("rounds", ROUNDS);
        parameters.put("ramp_seconds", RAMP_SECONDS);
        parameters.put("unfinished_events_at_most", WINDOW);
        parameters.put("warmup_step_seconds", WARMUP_SECONDS);
        parameters.put("warmup_max_seconds", WARMUP_MAX_SECONDS);
        parameters.put("rate", RATE);
        parameters.put("paced_runs", PACED_RUNS);
        parameters.put("paced_seconds", PACED_SECONDS);
        parameters.put("hub_heap", HUB_HEAP);
        report.put("parameters", parameters);
        int status = 0;
        Workload workload = new Workload(20261202L);
        try {
            bench.hub = HubJvm.start("hub", props, HUB_HEAP, out, "sustained");
            zalo.setWebhookUrl("http://127.0.0.1:" + bench.hub.port() + "/api/v1/partners/zalo/webhook");
            System.out.printf("hub ready after %.1f s of the run%n", (System.nanoTime() - t0) / 1e9);
            try (Completions done = new Completions(infra.kafkaBootstrap(), hubUpdates).start()) {
                KafkaSender sender = new KafkaSender(bench.producer, hubEvents);
                report.put("hub_warmup", bench.warmUp("hub", done, sender, workload, true));
                report.put("hub_flat_out", bench.rounds("hub", done, sender, workload));
                report.put("hub_rate_" + RATE, bench.pacedRuns("hub", done, sender, workload));
            }
            // the delivery receipts came back through the hub's webhook (its drain runs every 2 s): the ZNS it sent, by status
            Thread.sleep(5000);
            report.put("hub_zns_by_status", bench.znsByStatus());
            // the ceiling runs alone, no idle hub beside it; its ZNS' delivery receipts go to its own webhook
            bench.hub.stop();
            bench.hub = null;
            report.put("ceiling_lean_artemis_flat_out", bench.ceiling(infra, brokerPort, ceilingEvents, ceilingUpdates, workload));
            report.put("ratios", ratios(report));
        } catch (Throwable e) {
            e.printStackTrace();
            status = 1;
        } finally {
            if (bench.hub != null) bench.hub.stop();
            bench.producer.close();
            portal.close();
            zalo.close();
            infra.close();
            kafka.close();
            artemis.close();
            HubBenchmark.deleteTree(brokerDir);
        }
        report.put("run_seconds", round((System.nanoTime() - t0) / 1e9));
        Path file = out.resolve("report-sustained.json");
        Files.writeString(file, JSON.writeValueAsString(report));
        printSummary(report);
        System.out.printf("report: %s; total run time %.1f s%n", file, (System.nanoTime() - t0) / 1e9);
        System.exit(status);
    }

    // ------------------------------------------------------------------------------------------------- phases

    /**
     * Flat out in steps of {@link #WARMUP_SECONDS} until a step is no more than 5 % faster than the best one before
     * it and the JIT compilers of the hub's JVM and this one used under 5 % of the step (at most
     * {@link #WARMUP_MAX_SECONDS}), then, for the hub, paced for a while; none of it is measured. A fixed 45 s was
     * too short (the first full run's three rounds made 514, 705 and 788 events/s, C2 still compiling); throughput
     * alone ended a warm-up at a noisy step that was slower than the one before, after 60 s, with the hub's rounds
     * then at half their later rate. Returns each step's events/s and the compilers' CPU seconds in it.
     */
    private Map<String, Object> warmUp(String who, Completions done, Sender sender, Workload workload, boolean paced) throws Exception {
        List<Double> steps = new ArrayList<>(), jit = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        for (int elapsed = 0; elapsed + WARMUP_SECONDS <= Math.max(WARMUP_SECONDS, WARMUP_MAX_SECONDS); elapsed += WARMUP_SECONDS) {
            long jitBefore = compilerCpuNanos(self);
            Map<String, Object> step = sustained(who + " warm-up, flat out, step " + (steps.size() + 1) + " (not reported)", done,
                    sender, workload, WARMUP_SECONDS, false);
            double rate = (double) step.get("events_per_s");
            double jitSeconds = round((compilerCpuNanos(self) - jitBefore) / 1e9);
            boolean levelled = !steps.isEmpty() && rate <= java.util.Collections.max(steps) * 1.05;
            boolean compiled = jitSeconds < 0.05 * (RAMP_SECONDS + WARMUP_SECONDS);
            steps.add(rate);
            jit.add(jitSeconds);
            System.out.printf("    JIT compilers: %.1f CPU s in the step%n", jitSeconds);
            if (levelled && compiled) break;
        }
        System.out.printf("%s warm-up: %s events/s in its steps, JIT %s CPU s%n", who, steps, jit);
        if (paced) paced(who + " warm-up at " + RATE + "/s (not reported)", done, sender, workload, Math.min(20, PACED_SECONDS));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("events_per_s", steps);
        m.put("jit_cpu_s", jit);
        return m;
    }

    /** CPU of the JIT compiler threads of this JVM, the brokers' and the hub's, if it runs. */
    private long compilerCpuNanos(long self) {
        return ResourceMeter.compilerCpuNanos(self) + (hub == null ? 0 : hub.compilerCpuNanos()) + kafka.compilerCpuNanos()
                + artemis.compilerCpuNanos();
    }

    /** The sustained rounds flat out: each round's figures and their median and spread. */
    private Map<String, Object> rounds(String who, Completions done, Sender sender, Workload workload) throws Exception {
        List<Map<String, Object>> rounds = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            rounds.add(sustained(who + " flat out, round " + round + " of " + ROUNDS, done, sender, workload, SECONDS, true));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("summary", spread(rounds, "events_per_s", "cpu_ms_per_event_hub_jvm", "cpu_ms_per_event_bench_jvm",
                "cpu_ms_per_event_kafka", "cpu_ms_per_event_artemis", "cpu_ms_per_event_postgres", "cpu_ms_per_event_total",
                "cpu_ms_per_event_hub_with_infrastructure", "db_transactions_per_event", "partner_calls_per_s",
                "machine_sha256_mb_per_s_before", "machine_steal_pct", "events_per_s_receipts_worked_off",
                "cpu_ms_per_event_hub_with_infrastructure_receipts_worked_off", "cpu_ms_per_event_total_receipts_worked_off",
                "db_transactions_per_event_receipts_worked_off"));
        m.put("rounds", rounds);
        return m;
    }

    /** CPU of every process, the database's commits and the events done, at one instant. */
    private record Mark(long nanos, int done, long benchCpu, long kafkaCpu, long artemisCpu, long postgresCpu, long hubCpu, long commits,
                        long portalCalls, long zns, long[] machineTicks) {}

    private Mark mark(Completions done) throws Exception {
        return new Mark(System.nanoTime(), done.done(), OS.getProcessCpuTime(), kafka.cpuNanos(), artemis.cpuNanos(),
                ResourceMeter.postgresCpuNanos(),
                hub == null ? 0 : hub.cpuNanos(), dbCommits(), portal.recordsAccepted(), zalo.znsCount(), machineTicks());
    }

    /**
     * The machine's CPU ticks so far (/proc/stat's first line: user, nice, system, idle, iowait, irq, softirq, steal):
     * over a phase, the share the host took for others (steal) beside the share all processes here used.
     */
    private static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long[] t = new long[8];
            for (int i = 0; i < 8 && i + 1 < f.length; i++) t[i] = Long.parseLong(f[i + 1]);
            return t;
        } catch (Exception notLinux) {
            return new long[8];
        }
    }

    /**
     * How fast this hour's machine is: SHA-256 over a fixed buffer on one thread for 300 ms, in MB/s, before each flat-out
     * round and paced run (the pipeline drained). The same code's figures moved by a third within an hour on this 2-core VM (bench/PROFILING.md);
     * beside each run's figures, it tells a slower machine from slower code.
     */
    private static double calibrationMbPerS() throws Exception {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[64 * 1024];
        long end = System.nanoTime() + 300_000_000L, bytes = 0, t0 = System.nanoTime();
        while (System.nanoTime() < end) {
            sha.update(block);
            bytes += block.length;
        }
        sha.digest();
        return round(bytes / 1e6 / ((System.nanoTime() - t0) / 1e9));
    }

    /** Transactions committed in the hub's (and the ceiling's) database, read-only ones included. */
    private long dbCommits() throws Exception {
        try (var c = DriverManager.getConnection(dbUrl); var st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long maxAuditId() throws Exception {
        try (var c = DriverManager.getConnection(dbUrl); var st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT coalesce(max(id), 0) FROM audit_record")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Map<String, Long> znsByStatus() throws Exception {
        Map<String, Long> n = new LinkedHashMap<>();
        try (var c = DriverManager.getConnection(dbUrl); var st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT status, count(*) FROM notify_message GROUP BY status ORDER BY status")) {
            while (rs.next()) n.put(rs.getString(1), rs.getLong(2));
        }
        return n;
    }

    /**
     * Feeds events for ramp + {@code seconds}, never more than {@link #WINDOW} unfinished, and measures the events
     * done between the end of the ramp and the end of the phase; then lets what is in flight finish (not measured),
     * so that the next phase starts from an empty pipeline.
     * <p>
     * {@code withReceipts} (the measured rounds, the hub's and the ceiling's): the round starts with no delivery
     * receipt outstanding, and after it the receipts its ZNS brought are worked off too; the figures from the end of
     * the ramp to that point
     * ({@code *_receipts_worked_off}) count the whole of the round's work. Flat out Zalo's senders wait for durable
     * answers and fall behind the ZNS sent, so the window's figures alone leave part of each event's work outside it
     * (bench/PROFILING.md, the eighteenth and nineteenth looks).
     */
    private Map<String, Object> sustained(String name, Completions done, Sender sender, Workload workload, int seconds,
                                          boolean withReceipts) throws Exception {
        System.out.printf("%n--- %s: %d s flat out after a %d s ramp, at most %d events unfinished%n", name, seconds, RAMP_SECONDS, WINDOW);
        Map<String, Object> before = withReceipts ? workOffReceipts() : null;
        if (withReceipts && HubBenchmark.DB_STATEMENTS) HubBenchmark.resetStatements(dbUrl);
        done.reset(false);
        double calibration = calibrationMbPerS();
        List<Workload.Event> events = workload.stream(Integer.MAX_VALUE); // made 1,500 at a time as they are sent
        long start = System.nanoTime();
        long windowStart = start + TimeUnit.SECONDS.toNanos(RAMP_SECONDS);
        long windowEnd = windowStart + TimeUnit.SECONDS.toNanos(seconds);
        Mark from = null, to;
        Map<Long, Map.Entry<String, Long>> hubThreads = null;
        int published = 0, finished;
        int[] receiptsAtEnd = {0, 0};
        try (StallDumps stalls = stallDumps(name, done)) {
            while (true) {
                long now = System.nanoTime();
                if (from == null && now >= windowStart) {
                    from = mark(done);
                    if (withReceipts && hub != null) hubThreads = ThreadBreakdown.cpuTicksOf(hub.pid());
                }
                if (now >= windowEnd) {
                    to = mark(done);
                    receiptsAtEnd = receiptsOutstanding();
                    break;
                }
                if (ceilingBroken()) throw new IllegalStateException("the ceiling stopped: " + ceiling.broken());
                if (published - done.done() >= WINDOW) {
                    LockSupport.parkNanos(500_000);
                    continue;
                }
                Workload.Event e = events.get(published++);
                done.published(e.eventId(), e.type(), e.expectedUpdates());
                sender.send(e);
            }
            sender.flush();
            // a broken ceiling completes nothing more: its phase ends now, not after the 3 minutes
            finished = done.awaitDone(published, Duration.ofMinutes(3), this::ceilingBroken);
        }
        if (ceilingBroken()) throw new IllegalStateException("the ceiling stopped: " + ceiling.broken());
        Map<String, Object> afterwards = withReceipts ? workOffReceipts() : null;
        Map<String, Object> m = figures(from, to);
        if (withReceipts) {
            Map<String, Object> all = figures(from, mark(done));
            // where a flat-out event's CPU goes in the hub, its receipt included (from the end of the ramp)
            if (hub != null) m.put("hub_jvm_cpu_s_by_thread_receipts_worked_off",
                    ThreadBreakdown.cpuSecondsBetween(hubThreads, ThreadBreakdown.cpuTicksOf(hub.pid())));
            if (HubBenchmark.DB_STATEMENTS) m.put("db_statements", HubBenchmark.topStatements(dbUrl, (int) all.get("events_done")));
            for (String key : List.of("seconds", "events_done", "events_per_s", "cpu_ms_per_event_hub_with_infrastructure",
                    "cpu_ms_per_event_total", "db_transactions_per_event")) {
                if (all.containsKey(key)) m.put(key + "_receipts_worked_off", all.get(key));
            }
            m.put("receipts_before_round", before);
            m.put("receipts_after_round", afterwards);
        }
        m.put("events_published", published);
        m.put("machine_sha256_mb_per_s_before", calibration);
        // receipts not yet applied are work of the window's events done later, outside it: the figure says how much
        m.put("zalo_receipts_outstanding_at_end", receiptsAtEnd[0] + receiptsAtEnd[1]);
        if (hub != null) m.put("zalo_receipts_of_which_stored_by_the_hub", receiptsAtEnd[1]);
        if (finished < published) {
            m.put("unfinished_after_3_min", published - finished);
            System.out.println("    WARNING: " + (published - finished) + " events unfinished 3 min after the phase");
        }
        System.out.println("    " + m);
        return m;
    }

    /** Events done, partner calls and the CPU of every process between two marks, per event. */
    private Map<String, Object> figures(Mark a, Mark b) {
        int events = b.done() - a.done();
        double seconds = (b.nanos() - a.nanos()) / 1e9;
        int n = Math.max(1, events);
        double hubMs = (b.hubCpu() - a.hubCpu()) / 1e6, benchMs = (b.benchCpu() - a.benchCpu()) / 1e6;
        double pgMs = Math.max(0, b.postgresCpu() - a.postgresCpu()) / 1e6; // a backend that exited takes its ticks along
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seconds", round(seconds));
        m.put("events_done", events);
        m.put("events_per_s", round(events / seconds));
        m.put("partner_calls_per_s", round((b.portalCalls() - a.portalCalls() + b.zns() - a.zns()) / seconds));
        if (hub != null) m.put("cpu_ms_per_event_hub_jvm", round(hubMs / n));
        double kafkaMs = (b.kafkaCpu() - a.kafkaCpu()) / 1e6, artemisMs = (b.artemisCpu() - a.artemisCpu()) / 1e6;
        double infraMs = kafkaMs + artemisMs + pgMs;
        // the simulators, the driver (and in its phases the lean ceiling)
        m.put("cpu_ms_per_event_bench_jvm", round(benchMs / n));
        m.put("cpu_ms_per_event_kafka", round(kafkaMs / n));
        m.put("cpu_ms_per_event_artemis", round(artemisMs / n));
        m.put("cpu_ms_per_event_postgres", round(pgMs / n));
        m.put("cpu_ms_per_event_total", round((hubMs + benchMs + infraMs) / n));
        // what the issue's "hub CPU, all processes" counts: the hub with its database and brokers, not its partners
        if (hub != null) m.put("cpu_ms_per_event_hub_with_infrastructure", round((hubMs + infraMs) / n));
        m.put("cpu_cores_busy", round((hubMs + benchMs + infraMs) / 1000 / seconds));
        long[] ta = a.machineTicks(), tb = b.machineTicks();
        long all = 0;
        for (int i = 0; i < 8; i++) all += tb[i] - ta[i];
        if (all > 0) {
            m.put("machine_busy_pct", round(100.0 * (all - (tb[3] - ta[3]) - (tb[4] - ta[4])) / all)); // not idle, not iowait
            m.put("machine_steal_pct", round(100.0 * (tb[7] - ta[7]) / all));
        }
        m.put("db_transactions_per_event", round((double) (b.commits() - a.commits()) / n));
        return m;
    }

    /**
     * {@link #PACED_RUNS} runs at {@link #RATE}/s, each event followed: p50/p99 each, and how many met the target. The
     * hub's are preceded by its settling and an idle window; the ceiling's (same runs, same machine, after the hub's)
     * say what the target asks of a pipeline doing the least work on this hour's machine.
     */
    private Map<String, Object> pacedRuns(String who, Completions done, Sender sender, Workload workload) throws Exception {
        Map<String, Object> settled = settle();
        Map<String, Object> idle = hub == null ? null : idle(IDLE_SECONDS);
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int i = 1; i <= PACED_RUNS; i++) {
            runs.add(paced(who + " at " + RATE + "/s, run " + i + " of " + PACED_RUNS, done, sender, workload, PACED_SECONDS));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runs_with_p99_under_" + P99_TARGET_MS + "_ms", runs.stream().filter(r -> (double) r.get("latency_p99_ms") < P99_TARGET_MS).count());
        m.put("summary", spread(runs, "events_per_s", "latency_p50_ms", "latency_p99_ms", "cpu_ms_per_event_hub_jvm",
                "cpu_ms_per_event_bench_jvm", "cpu_ms_per_event_kafka", "cpu_ms_per_event_artemis", "cpu_ms_per_event_postgres",
                "cpu_ms_per_event_total", "cpu_ms_per_event_hub_with_infrastructure", "db_transactions_per_event",
                "machine_sha256_mb_per_s_before", "machine_steal_pct"));
        if (settled != null) m.put("settled_before", settled);
        if (idle != null) m.put("idle_before", idle);
        m.put("runs", runs);
        return m;
    }

    /**
     * Before the paced runs (the hub's and the ceiling's), what the flat-out rounds left is worked off: the delivery
     * receipts the Zalo simulator still has to send and the hub still has to apply (after rounds at 1,200-1,400 events/s the first paced runs
     * were paying for them: 8-10 database transactions per event against 6 in the runs after), a checkpoint of
     * the rounds' dirty pages, and any autovacuum of the tables they filled, so that the paced runs measure
     * 200 events/s and not the tail of the flat-out rounds. Reported with the runs; waits at most 3 minutes.
     */
    private Map<String, Object> settle() throws Exception {
        long t0 = System.nanoTime(), deadline = t0 + Duration.ofMinutes(3).toNanos();
        int maxWorkers = 0, quietPolls = 0;
        Map<String, Object> receipts = workOffReceipts();
        try (var c = DriverManager.getConnection(dbUrl); var st = c.createStatement()) {
            st.execute("CHECKPOINT");
            while (quietPolls < 3 && System.nanoTime() < deadline) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'")) {
                    rs.next();
                    int workers = rs.getInt(1);
                    maxWorkers = Math.max(maxWorkers, workers);
                    quietPolls = workers == 0 ? quietPolls + 1 : 0;
                }
                Thread.sleep(1000);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seconds", round((System.nanoTime() - t0) / 1e9));
        m.put("zalo_receipts", receipts);
        m.put("autovacuum_workers_seen", maxWorkers);
        System.out.printf("%n--- settled before the paced runs: %s%n", m);
        return m;
    }

    /**
     * What the processes use with nothing offered, once settled (the hub's pollers, timers and metrics, the brokers'
     * own housekeeping, PostgreSQL's background work): at {@link #RATE}/s that floor is part of every event's CPU, so
     * the paced runs' figures are read against it. Cores busy per process and the hub's busiest thread groups.
     */
    private Map<String, Object> idle(int seconds) throws Exception {
        System.out.printf("%n--- idle: %d s with nothing offered%n", seconds);
        var hubThreads = ThreadBreakdown.cpuTicksOf(hub.pid());
        long t0 = System.nanoTime(), bench = OS.getProcessCpuTime(), kafkaCpu = kafka.cpuNanos(), artemisCpu = artemis.cpuNanos();
        long pg = ResourceMeter.postgresCpuNanos(), hubCpu = hub.cpuNanos(), commits = dbCommits();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds)); // a measured window, not a synchronisation
        double wall = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seconds", round(wall));
        m.put("cores_busy_hub_jvm", round((hub.cpuNanos() - hubCpu) / 1e9 / wall));
        m.put("cores_busy_bench_jvm", round((OS.getProcessCpuTime() - bench) / 1e9 / wall));
        m.put("cores_busy_kafka", round((kafka.cpuNanos() - kafkaCpu) / 1e9 / wall));
        m.put("cores_busy_artemis", round((artemis.cpuNanos() - artemisCpu) / 1e9 / wall));
        m.put("cores_busy_postgres", round(Math.max(0, ResourceMeter.postgresCpuNanos() - pg) / 1e9 / wall));
        m.put("db_transactions_per_s", round((dbCommits() - commits) / wall)); // two of them the benchmark's own reads
        m.put("hub_jvm_cpu_s_by_thread", ThreadBreakdown.cpuSecondsBetween(hubThreads, ThreadBreakdown.cpuTicksOf(hub.pid())));
        System.out.println("    " + m);
        return m;
    }

    /**
     * Waits (at most 3 minutes) until no delivery receipt is outstanding: the seconds it took, how many there were at
     * most, and how many were left if the 3 minutes ran out.
     */
    private Map<String, Object> workOffReceipts() throws Exception {
        long t0 = System.nanoTime(), deadline = t0 + Duration.ofMinutes(3).toNanos();
        int most = 0, left;
        do {
            int[] outstanding = receiptsOutstanding();
            left = outstanding[0] + outstanding[1];
            most = Math.max(most, left);
            if (left == 0) break;
            Thread.sleep(100); // a benchmark's poll of another process, not a test's synchronisation
        } while (System.nanoTime() < deadline);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seconds", round((System.nanoTime() - t0) / 1e9));
        m.put("outstanding_at_most", most);
        if (left > 0) m.put("left_after_3_min", left);
        return m;
    }

    /**
     * Delivery receipts the Zalo simulator has still to send (queued behind its senders, each waiting for the hub's
     * answer), and those the hub has stored but not yet applied: where a backlog of them sits.
     */
    private int[] receiptsOutstanding() throws Exception {
        try (var c = DriverManager.getConnection(dbUrl); var st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM zalo_webhook_event WHERE status IN ('NEW', 'PROCESSING')")) {
            rs.next();
            return new int[] {ZaloSimulator.webhooksPending(), rs.getInt(1)};
        }
    }

    /** {@code seconds} at {@link #RATE} events/s; measured from the first publish until the last event is done. */
    private Map<String, Object> paced(String name, Completions done, Sender sender, Workload workload, int seconds) throws Exception {
        System.out.printf("%n--- %s: %d s%n", name, seconds);
        done.reset(true); // each event's publish and done times, for the stage split
        long auditIdBefore = hub == null ? 0 : maxAuditId();
        int count = RATE * seconds;
        List<Workload.Event> events = workload.make(count); // made before the clock starts
        if (HubBenchmark.DB_STATEMENTS) HubBenchmark.resetStatements(dbUrl);
        double calibration = calibrationMbPerS();
        var hubThreads = hub == null ? null : ThreadBreakdown.cpuTicksOf(hub.pid());
        HubMetrics hubMetrics = hub == null ? null : new HubMetrics(hub.port(), infra.issuer());
        Map<String, Double> intakeBefore = hubMetrics == null ? null : hubMetrics.read();
        Mark from = mark(done);
        long startEpochMs = System.currentTimeMillis();
        long start = System.nanoTime(), interval = 1_000_000_000L / RATE;
        int finished;
        try (StallDumps stalls = stallDumps(name, done)) {
            for (int i = 0; i < count; i++) {
                long wait = start + i * interval - System.nanoTime();
                if (wait > 0) LockSupport.parkNanos(wait);
                Workload.Event e = events.get(i);
                done.published(e.eventId(), e.type(), e.expectedUpdates());
                sender.send(e);
            }
            sender.flush();
            finished = done.awaitDone(count, Duration.ofMinutes(2), this::ceilingBroken);
        }
        Mark to = mark(done);
        Completions.Result r = done.result();
        Map<String, Object> m = figures(from, to);
        // where the hub's share went at this pace: its busiest thread groups (the idle window's figure beside it)
        if (hub != null) m.put("hub_jvm_cpu_s_by_thread", ThreadBreakdown.cpuSecondsBetween(hubThreads, ThreadBreakdown.cpuTicksOf(hub.pid())));
        m.put("events_per_s", round(finished / ((r.lastDoneNanos() - r.firstPublishNanos()) / 1e9)));
        m.put("events_offered", count);
        m.put("machine_sha256_mb_per_s_before", calibration);
        m.put("latency_p50_ms", round(r.percentile(50)));
        m.put("latency_p99_ms", round(r.percentile(99)));
        m.put("latency_max_ms", round(r.percentile(100)));
        m.put("worst_latency_ms_each_second", done.worstLatencyEachSecondMs());
        // the collectors' longest pause in the same seconds: the hub's, the brokers' and this JVM's
        if (hub != null) m.put("gc_worst_pause_ms_each_second_hub", GcPauses.loggedWorstEachSecond(HubJvm.gcLog(out, "hub"), startEpochMs, seconds));
        for (BrokerJvm b : List.of(kafka, artemis)) {
            m.put("gc_worst_pause_ms_each_second_" + b.name(), GcPauses.loggedWorstEachSecond(BrokerJvm.gcLog(out, b.name()), startEpochMs, seconds));
        }
        m.put("gc_worst_pause_ms_each_second_bench_jvm", gcPauses.ownWorstEachSecond(startEpochMs, seconds));
        // where the latency goes, from the hub's own audit times (HubBenchmark's split; same machine clock)
        if (hub != null) m.put("stages_ms", HubBenchmark.stages(dbUrl, done.publishedAndDone(), auditIdBefore));
        // inside the intake, from the hub's own timers: its batches, and how long each took to accept and to commit its work to the broker
        if (hubMetrics != null) m.put("intake", HubMetrics.intakeBetween(intakeBefore, hubMetrics.read()));
        if (HubBenchmark.DB_STATEMENTS) m.put("db_statements", HubBenchmark.topStatements(dbUrl, finished));
        if (finished < count) System.out.println("    WARNING: only " + finished + " of " + count + " events completed");
        System.out.println("    " + m);
        Thread.sleep(2000); // the next run starts from an idle hub
        return m;
    }

    /** The ceiling runs and lost its broker: nothing more will complete in its phase. */
    private boolean ceilingBroken() {
        return ceiling != null && ceiling.broken() != null;
    }

    /** Thread dumps of every JVM if the phase stops completing events ({@link StallDumps}). */
    private StallDumps stallDumps(String phase, Completions done) {
        return new StallDumps(out, phase, done::done, done::unfinished, () -> {
            Map<String, Long> jvms = new LinkedHashMap<>(Map.of(kafka.name(), kafka.pid(), artemis.name(), artemis.pid()));
            if (hub != null) jvms.put("hub", hub.pid());
            return jvms;
        });
    }

    /** The lean ceiling on topics of its own, same database, broker and simulators, warmed up then measured alike. */
    private Map<String, Object> ceiling(EmbeddedInfrastructure infra, int brokerPort, String events, String updates, Workload workload)
            throws Exception {
        NationalPortalProperties pp = new NationalPortalProperties(); // the province codes the hub sends (its defaults)
        Ceiling.Partners partners = new Ceiling.Partners(portal.baseUrl(), "bench-cluster", "bench-cluster-password", pp.getDstcode(),
                pp.getMadonvi(), zalo.baseUrl(), zalo.appId, zalo.appSecret, zalo.issueRefreshToken());
        // rowsPerEvent is the other variants' (the hub's row count); the lean one writes a row per message exchanged
        Ceiling ceiling = this.ceiling = new Ceiling(infra.kafkaBootstrap(), dbUrl, partners, 0, updates);
        // over TCP as the hub reaches the broker: the ceiling pays the same hop
        ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("tcp://localhost:" + brokerPort);
        int consumers = Integer.getInteger("bench.ceiling-consumers", 8), inFlight = Integer.getInteger("bench.ceiling-in-flight", 64);
        try (Completions done = new Completions(infra.kafkaBootstrap(), updates).start();
             Ceiling.Running running = ceiling.lean(events, 4, cf, "bench.ceiling.lean.work", consumers, inFlight);
             CeilingReceipts receipts = new CeilingReceipts(ceiling, dbUrl, zalo.appId, zalo.oaSecret)) {
            zalo.setWebhookUrl(receipts.url());
            KafkaSender sender = new KafkaSender(producer, events);
            Map<String, Object> warmup = warmUp("ceiling", done, sender, workload, false);
            Map<String, Object> m = rounds("ceiling (lean, Artemis)", done, sender, workload);
            m.put("rate_" + RATE, pacedRuns("ceiling (lean, Artemis)", done, sender, workload));
            m.put("warmup", warmup);
            m.put("consumers", consumers);
            m.put("http_in_flight", inFlight);
            m.put("partner_errors", ceiling.partnerErrors.get());
            return m;
        } finally {
            this.ceiling = null;
            cf.close();
            ceiling.close();
        }
    }

    // ------------------------------------------------------------------------------------------------- figures

    /** Median, min and max of each figure over the rounds. */
    private static Map<String, Object> spread(List<Map<String, Object>> rounds, String... keys) {
        Map<String, Object> s = new LinkedHashMap<>();
        for (String key : keys) {
            double[] v = rounds.stream().filter(r -> r.get(key) instanceof Number).mapToDouble(r -> ((Number) r.get(key)).doubleValue())
                    .sorted().toArray();
            if (v.length == 0) continue;
            double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
            s.put(key, Map.of("median", round(median), "min", round(v[0]), "max", round(v[v.length - 1])));
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private static Double median(Map<String, Object> report, String phase, String key) {
        Object p = report.get(phase);
        if (p == null) return null;
        Object f = ((Map<String, Object>) ((Map<String, Object>) p).get("summary")).get(key);
        return f == null ? null : ((Number) ((Map<String, Object>) f).get("median")).doubleValue();
    }

    /** Hub over lean ceiling (with its Artemis step), medians of the flat-out rounds. */
    private static Map<String, Object> ratios(Map<String, Object> report) {
        Map<String, Object> r = new LinkedHashMap<>();
        String hub = "hub_flat_out", ceiling = "ceiling_lean_artemis_flat_out";
        r.put("throughput_hub_over_ceiling_lean_artemis", ratio(median(report, hub, "events_per_s"), median(report, ceiling, "events_per_s")));
        // each measured to its last delivery receipt: the whole of the rounds' work, the same for both
        r.put("throughput_receipts_worked_off_hub_over_ceiling_lean_artemis",
                ratio(median(report, hub, "events_per_s_receipts_worked_off"), median(report, ceiling, "events_per_s_receipts_worked_off")));
        r.put("cpu_total_per_event_hub_over_ceiling_lean_artemis",
                ratio(median(report, hub, "cpu_ms_per_event_total"), median(report, ceiling, "cpu_ms_per_event_total")));
        r.put("cpu_total_per_event_receipts_worked_off_hub_over_ceiling_lean_artemis",
                ratio(median(report, hub, "cpu_ms_per_event_total_receipts_worked_off"),
                        median(report, ceiling, "cpu_ms_per_event_total_receipts_worked_off")));
        r.put("postgres_cpu_per_event_hub_over_ceiling_lean_artemis",
                ratio(median(report, hub, "cpu_ms_per_event_postgres"), median(report, ceiling, "cpu_ms_per_event_postgres")));
        r.put("db_transactions_per_event_hub_over_ceiling_lean_artemis",
                ratio(median(report, hub, "db_transactions_per_event"), median(report, ceiling, "db_transactions_per_event")));
        return r;
    }

    private static Double ratio(Double a, Double b) {
        return a == null || b == null || b == 0 ? null : Math.round(a / b * 1000) / 1000.0;
    }

    /** The printed table: every hub figure beside the hour's ceiling, medians with (min-max). */
    @SuppressWarnings("unchecked")
    private static void printSummary(Map<String, Object> report) {
        System.out.printf("%n=== sustained (%s) ===%n", report.get("processes"));
        String[] cols = {"events_per_s", "cpu_ms_per_event_hub_jvm", "cpu_ms_per_event_bench_jvm", "cpu_ms_per_event_kafka",
                "cpu_ms_per_event_artemis", "cpu_ms_per_event_postgres", "cpu_ms_per_event_total", "cpu_ms_per_event_hub_with_infrastructure",
                "db_transactions_per_event"};
        System.out.printf("%-32s %-22s %-19s %-19s %-19s %-19s %-19s %-19s %-19s %-16s%n", "flat out, " + ROUNDS + " x " + SECONDS + " s: median (min-max)",
                "events/s", "CPU ms/event hub", "bench JVM", "Kafka", "Artemis", "PostgreSQL", "total", "hub+PG+Kafka+Artemis", "db tx/event");
        for (String phase : List.of("hub_flat_out", "ceiling_lean_artemis_flat_out")) {
            Object p = report.get(phase);
            if (p == null) continue;
            Map<String, Object> s = (Map<String, Object>) ((Map<String, Object>) p).get("summary");
            StringBuilder line = new StringBuilder(String.format("%-32s", phase));
            for (int i = 0; i < cols.length; i++) line.append(String.format(i == 0 ? " %-22s" : " %-19s", cell(s.get(cols[i]))));
            System.out.println(line);
        }
        for (String phase : List.of("hub_flat_out", "ceiling_lean_artemis_flat_out")) {
            Object p = report.get(phase);
            if (p == null) continue;
            Map<String, Object> s = (Map<String, Object>) ((Map<String, Object>) p).get("summary");
            System.out.printf("%s to its last delivery receipt: %s events/s, CPU ms/event hub+PG+Kafka+Artemis %s,"
                            + " total %s, db tx/event %s%n", phase, cell(s.get("events_per_s_receipts_worked_off")),
                    cell(s.get("cpu_ms_per_event_hub_with_infrastructure_receipts_worked_off")),
                    cell(s.get("cpu_ms_per_event_total_receipts_worked_off")), cell(s.get("db_transactions_per_event_receipts_worked_off")));
        }
        System.out.println("hub / ceiling (lean, Artemis): " + report.get("ratios"));
        System.out.println("the hub's ZNS by status (delivery receipts applied): " + report.get("hub_zns_by_status"));
        printPaced("hub", report.get("hub_rate_" + RATE));
        Object ceiling = report.get("ceiling_lean_artemis_flat_out");
        if (ceiling != null) printPaced("ceiling (lean, Artemis)", ((Map<String, Object>) ceiling).get("rate_" + RATE));
    }

    @SuppressWarnings("unchecked")
    private static void printPaced(String who, Object paced) {
        if (paced == null) return;
        Map<String, Object> pm = (Map<String, Object>) paced;
        Map<String, Object> s = (Map<String, Object>) pm.get("summary");
        System.out.printf("%s at %d/s, %d x %d s: p50 %s ms, p99 %s ms, %s events/s, CPU ms/event total %s (hub+PG+Kafka+Artemis %s);"
                        + " p99 < %d ms in %s of %d runs%n",
                who, RATE, PACED_RUNS, PACED_SECONDS, cell(s.get("latency_p50_ms")), cell(s.get("latency_p99_ms")), cell(s.get("events_per_s")),
                cell(s.get("cpu_ms_per_event_total")), cell(s.get("cpu_ms_per_event_hub_with_infrastructure")), P99_TARGET_MS,
                pm.get("runs_with_p99_under_" + P99_TARGET_MS + "_ms"), PACED_RUNS);
        for (Map<String, Object> r : (List<Map<String, Object>>) pm.get("runs")) {
            Map<String, Object> stages = (Map<String, Object>) r.get("stages_ms");
            System.out.printf("    run: p50 %7.1f  p99 %7.1f  max %7.1f ms; p99 of its stages: publish -> accepted %s, last partner call %s,"
                            + " rest %s ms; CPU ms/event %s; machine: SHA-256 %s MB/s before, steal %s %%%n", r.get("latency_p50_ms"),
                    r.get("latency_p99_ms"), r.get("latency_max_ms"), p99(stages, "publish_to_accepted"), p99(stages, "last_partner_call"),
                    p99(stages, "rest"), r.get("cpu_ms_per_event_total"), r.get("machine_sha256_mb_per_s_before"), r.get("machine_steal_pct"));
        }
    }

    @SuppressWarnings("unchecked")
    private static Object p99(Map<String, Object> stages, String stage) {
        Object s = stages == null ? null : stages.get(stage);
        return s == null ? "-" : ((Map<String, Object>) s).get("p99");
    }

    @SuppressWarnings("unchecked")
    private static String cell(Object figure) {
        if (figure == null) return "-";
        Map<String, Object> f = (Map<String, Object>) figure;
        return String.format("%s (%s-%s)", trim(f.get("median")), trim(f.get("min")), trim(f.get("max")));
    }

    private static String trim(Object v) {
        double d = ((Number) v).doubleValue();
        return d >= 100 ? String.format("%.0f", d) : String.format("%.2f", d);
    }
}
