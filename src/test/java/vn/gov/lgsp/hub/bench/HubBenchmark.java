package vn.gov.lgsp.hub.bench;

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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import vn.gov.lgsp.hub.ops.QueueMetrics;
import jdk.jfr.Recording;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisProperties;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.ClassPathResource;
import vn.gov.lgsp.connector.nationalportal.NationalPortalProperties;
import vn.gov.lgsp.connector.nationalportal.simulator.PortalSimulator;
import vn.gov.lgsp.connector.police.simulator.PoliceSimulator;
import vn.gov.lgsp.connector.tax.simulator.TaxOfficeSimulator;
import vn.gov.lgsp.connector.zalo.ZaloProperties;
import vn.gov.lgsp.connector.sms.simulator.SmsGatewaySimulator;
import vn.gov.lgsp.connector.vnpost.simulator.VnpostSimulator;
import vn.gov.lgsp.connector.zalo.simulator.ZaloSimulator;
import vn.gov.lgsp.hub.HubApplication;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;

/**
 * The benchmark ({@code bench/run.sh}; see bench/README.md). One JVM: embedded Kafka + PostgreSQL, the hub with its
 * embedded Artemis and the partner simulators (zero added latency), then, back to back, the hand-written ceiling
 * against the same infrastructure and simulators. Writes target/bench/report.json and report.png.
 * Not a test: nothing here passes or fails, it measures.
 */
public final class HubBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final EmbeddedInfrastructure infra;
    private final ConfigurableApplicationContext hub;
    private final KafkaProducer<String, String> producer;
    private final ResourceMeter meter = new ResourceMeter();
    private final PortalSimulator portal;
    private final ZaloSimulator zalo;
    private final VnpostSimulator vnpost;
    private final SmsGatewaySimulator sms;
    private final PoliceSimulator police;
    private final TaxOfficeSimulator tax;
    private final Path out;

    private HubBenchmark(EmbeddedInfrastructure infra, ConfigurableApplicationContext hub, Path out) {
        this.infra = infra;
        this.hub = hub;
        this.out = out;
        this.portal = hub.getBean(PortalSimulator.class);
        this.zalo = hub.getBean(ZaloSimulator.class);
        this.vnpost = hub.getBean(VnpostSimulator.class);
        this.sms = hub.getBean(SmsGatewaySimulator.class);
        this.police = hub.getBean(PoliceSimulator.class);
        this.tax = hub.getBean(TaxOfficeSimulator.class);
        // the simulators keep every request and dossier for the tests' assertions; here that would be heap the hub
        // does not use, collected over and over by G1 on the same 2 cores (and growth the soak would take for a leak)
        portal.setRetainRequests(false);
        zalo.setRetainRequests(false);
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 1,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    public static void main(String[] args) throws Exception {
        // the simulators run on the JDK HTTP server: without this every response waits ~40 ms on loopback
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int events = Integer.getInteger("bench.events", 5_000);
        int rate = Integer.getInteger("bench.rate", 200);
        int rateSeconds = Integer.getInteger("bench.rate-seconds", 30);
        int slowEvents = Integer.getInteger("bench.slow-events", 3_000);
        int warmup = Integer.getInteger("bench.warmup", 3_000);
        int lifecycleEvents = Integer.getInteger("bench.lifecycle-events", 5_000);
        boolean jfr = Boolean.getBoolean("bench.jfr");
        Path out = Path.of(System.getProperty("bench.out", "target/bench")).toAbsolutePath();
        Files.createDirectories(out);

        long t0 = System.nanoTime();
        EmbeddedInfrastructure infra = new EmbeddedInfrastructure(0, null, 0, DB_STATEMENTS);
        Path artemisDir = Files.createTempDirectory(out, "artemis-");
        ConfigurableApplicationContext hub = infra.closeFirst(startHub(infra, artemisDir));
        System.out.printf("infrastructure and hub up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        HubBenchmark bench = new HubBenchmark(infra, hub, out);
        int status = 0;
        try {
            bench.run(events, rate, rateSeconds, slowEvents, warmup, lifecycleEvents, jfr);
        } catch (Throwable e) {
            e.printStackTrace();
            status = 1;
        } finally {
            System.out.printf("total run time %.1f s%n", (System.nanoTime() - t0) / 1e9);
            hub.close();
            infra.close();
            deleteTree(artemisDir); // the broker's journal, ~50 MB a run
        }
        System.exit(status);
    }

    static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (java.io.IOException e) {
            System.out.println("could not delete " + dir + ": " + e.getMessage());
        }
    }

    /** The hub as the tests start it (SharedInfrastructure + application-test.yml), plus the benchmark's overrides. */
    static ConfigurableApplicationContext startHub(EmbeddedInfrastructure infra, Path artemisDir) {
        // UnauthenticatedIntake: the intake once more on a port of its own without the token check (the "auth" phases)
        SpringApplication app = new SpringApplication(HubApplication.class, UnauthenticatedIntake.class);
        app.addInitializers(context -> {
            try {
                var sources = context.getEnvironment().getPropertySources();
                sources.addFirst(new MapPropertySource("embedded-infrastructure", new LinkedHashMap<>(infra.hubProperties(artemisDir))));
                for (var source : new YamlPropertySourceLoader().load("test-profile", new ClassPathResource("application-test.yml"))) {
                    sources.addFirst(source);
                }
                Map<String, Object> bench = new LinkedHashMap<>();
                bench.put("server.port", "0"); // never collide with a demo run on 8080
                // The ZNS and SMS quotas are contracts with the partners (20/s, 10/s per instance), not what the hub
                // can do: lifted so the run measures the hub. Everything else is as configured.
                bench.put("hub.queues.partners.zalo.rate-limit-per-second", "0");
                bench.put("hub.queues.partners.sms.rate-limit-per-second", "0");
                // the tests' profile ticks its pollers every 200-500 ms so that tests finish quickly; a province runs the
                // defaults of config/ (what the hub costs doing nothing is part of every figure)
                bench.put("hub.metrics.refresh", "15000");
                bench.put("hub.partners.vnpost.poll.interval", "5m");
                bench.put("hub.partners.vietinbank.outbox-interval", "2s");
                bench.put("hub.partners.zalo.webhook-drain-interval", "2s");
                bench.put("hub.partners.sms.release-interval", "30s");
                bench.put("hub.partners.tax.overdue-check-interval", "PT5M");
                bench.put("hub.partners.tax.answer-timeout", "5d");
                bench.put("hub.partners.tax.relay-interval", "1s");
                // the agencies answer at once, as every simulator here does (the demo's 5-30 s measure nothing of the
                // hub), and the police quota (30 checks a minute, a contract) is lifted like the ZNS and SMS ones
                bench.put("hub.simulators.police.min-delay", "0ms");
                bench.put("hub.simulators.police.max-delay", "0ms");
                bench.put("hub.simulators.tax.min-delay", "0ms");
                bench.put("hub.simulators.tax.max-delay", "0ms");
                bench.put("hub.queues.partners.police.rate-limit-per-second", "0");
                bench.put("hub.queues.partners.tax.rate-limit-per-second", "0");
                // no SMS quiet hours (21:00-07:00): the lifecycle phase's SMS go out whatever the time of the run
                bench.put("hub.partners.sms.quiet-start", "00:00");
                bench.put("hub.partners.sms.quiet-end", "00:00");
                // INFO logs one line per partner call; kept out of the console (not out of the cost: WARN still evaluates)
                bench.put("logging.level.vn.gov.lgsp", System.getProperty("bench.hub-log-level", "WARN"));
                bench.put("logging.level.org.apache", "WARN");
                bench.put("logging.level.kafka", "WARN");
                bench.put("logging.level.org.springframework", "WARN");
                sources.addFirst(new MapPropertySource("benchmark", bench));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        return app.run();
    }

    // ------------------------------------------------------------------------------------------------- phases

    private void run(int events, int rate, int rateSeconds, int slowEvents, int warmup, int lifecycleEvents, boolean jfr)
            throws Exception {
        // the hub's flat-out phase always runs; the others can be left out while working on the hub
        List<String> only = List.of(System.getProperty("bench.phases", "rate,slow,lifecycles,auth,ceiling").split(","));
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("date", OffsetDateTime.now().toString());
        report.put("machine", machine());
        report.put("parameters", Map.of("events", events, "rate", rate, "rateSeconds", rateSeconds, "slowEvents", slowEvents,
                "warmup", warmup, "lifecycleEvents", lifecycleEvents, "pacedWarmupMaxSeconds", PACED_WARMUP_MAX_SECONDS, "jfr", jfr));
        Map<String, Object> phases = new LinkedHashMap<>();
        report.put("phases", phases);
        Workload workload = new Workload(20251101L);

        try (Completions hubDone = new Completions(infra.kafkaBootstrap(), EmbeddedInfrastructure.UPDATES_TOPIC).start()) {
            String topic = EmbeddedInfrastructure.EVENTS_TOPIC;
            phase("hub warm-up (not reported)", hubDone, topic, workload.make(warmup), 0, true);
            warmUpPaced("hub", hubDone, topic, workload, rate, true);
            // flat out once more: batches of hundreds take paths the paced steps do not (C2 was still compiling a
            // sixth of the flat-out phase's CPU without this)
            phase("hub warm-up, flat out again (not reported)", hubDone, topic, workload.make(warmup), 0, true);
            awaitQuietCompiler();
            // what the hub costs doing nothing (pollers, timers, brokers' housekeeping): part of every figure below
            meter.begin();
            Thread.sleep(10_000);
            ResourceMeter.Usage idle = meter.end();
            report.put("idle_cpu_cores_busy", round((idle.jvmCpuSeconds() + idle.postgresCpuSeconds()) / idle.wallSeconds()));
            System.out.println("idle: " + report.get("idle_cpu_cores_busy") + " cores busy");
            // --jfr records the flat-out phase; -Dbench.jfr-phase=rate the paced one instead
            boolean jfrRate = "rate".equals(System.getProperty("bench.jfr-phase"));
            Recording recording = jfr && !jfrRate ? startRecording() : null;
            phases.put("hub_flat_out", phase("hub flat out", hubDone, topic, workload.make(events), 0, true));
            if (recording != null) report.put("jfr", summarise(recording, "hub-flat-out"));
            if (only.contains("rate")) {
                recording = jfr && jfrRate ? startRecording() : null;
                phases.put("hub_rate_" + rate, phase("hub at " + rate + "/s", hubDone, topic, workload.make(rate * rateSeconds), rate, true));
                if (recording != null) report.put("jfr", summarise(recording, "hub-rate"));
            }
            if (only.contains("slow")) {
                portal.setLatencyMillis(50);
                try {
                    phases.put("hub_portal_50ms", phase("hub, portal answering after 50 ms", hubDone, topic, workload.make(slowEvents), 0, true));
                } finally {
                    portal.setLatencyMillis(0);
                }
            }
            if (only.contains("lifecycles")) {
                // the paths of VNPost, VietinBank and SMS have not run yet: compiled first, flat out twice as the
                // others were (C2 was still a fifth of the phase's CPU after one round)
                for (int round = 1; round <= 2; round++) {
                    phase("hub warm-up, whole lifecycles, round " + round + " (not reported)", hubDone, topic,
                            workload.lifecycles(warmup), 0, true);
                }
                awaitQuietCompiler();
                phases.put("hub_lifecycles_flat_out", phase("hub, whole dossier lifecycles (every partner)", hubDone, topic,
                        workload.lifecycles(lifecycleEvents), 0, true));
            }
            if (only.contains("auth")) {
                report.put("auth_cost", authCost(hubDone, topic, workload, Integer.getInteger("bench.auth-events", 3_000),
                        Integer.getInteger("bench.auth-rounds", 2), warmup, phases));
            }
        }
        int soakSeconds = Integer.getInteger("bench.soak-seconds", 0);
        if (soakSeconds > 0) report.put("soak", soak(soakSeconds, Integer.getInteger("bench.soak-rate", 150), workload));
        if (!only.contains("ceiling")) {
            // a quick look while working on the hub: its own figures, no ratios
            Files.writeString(out.resolve("report-hub.json"), JSON.writeValueAsString(report));
            return;
        }

        // the ceiling writes as many rows per event as the hub did flat out
        @SuppressWarnings("unchecked")
        double hubRows = (double) ((Map<String, Object>) phases.get("hub_flat_out")).get("db_rows_written_per_event");
        int rowsPerEvent = (int) Math.round(hubRows);
        NationalPortalProperties pp = hub.getBean(NationalPortalProperties.class);
        ZaloProperties zp = hub.getBean(ZaloProperties.class);
        Ceiling.Partners partners = new Ceiling.Partners(pp.getBaseUrl(), pp.getUsername(), pp.getPassword(), pp.getDstcode(),
                pp.getMadonvi(), zalo.baseUrl(), zp.getAppId(), zp.getAppSecret(), zalo.issueRefreshToken());
        String updates = "bench.ceiling.updates";
        List<String> topics = List.of("bench.ceiling.warmup", "bench.ceiling.warmup-rate", "bench.ceiling.flat", "bench.ceiling.artemis",
                "bench.ceiling.rate", "bench.ceiling.slow", updates);
        try (AdminClient admin = AdminClient.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrap()))) {
            admin.createTopics(topics.stream().map(t -> new NewTopic(t, 4, (short) 1)).toList()).all().get();
        }
        Ceiling ceiling = new Ceiling(infra.kafkaBootstrap(), infra.jdbcUrl(), partners, rowsPerEvent, updates);
        ArtemisProperties artemis = hub.getBean(ArtemisProperties.class);
        ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("vm://" + artemis.getEmbedded().getServerId());
        // the ceiling's ZNS are not the hub's: the simulator's delivery receipts for them would be posted to the idle
        // hub, which would look for their sends in vain (and retry them) on the ceiling's clock and into later phases
        zalo.setSendReceipts(false);
        try (Completions ceilingDone = new Completions(infra.kafkaBootstrap(), updates).start()) {
            try (Ceiling.Running r = ceiling.direct("bench.ceiling.warmup", 64)) {
                phase("ceiling warm-up (not reported)", ceilingDone, "bench.ceiling.warmup", workload.make(warmup), 0, false);
            }
            try (Ceiling.Running r = ceiling.direct("bench.ceiling.warmup-rate", 64)) {
                warmUpPaced("ceiling", ceilingDone, "bench.ceiling.warmup-rate", workload, rate, false);
                phase("ceiling warm-up, flat out again (not reported)", ceilingDone, "bench.ceiling.warmup-rate", workload.make(warmup), 0, false);
            }
            awaitQuietCompiler();
            try (Ceiling.Running r = ceiling.direct("bench.ceiling.flat", 64)) {
                phases.put("ceiling_flat_out", phase("ceiling flat out", ceilingDone, "bench.ceiling.flat", workload.make(events), 0, false));
            }
            try (Ceiling.Running r = ceiling.withArtemis("bench.ceiling.artemis", cf, "bench.ceiling.work", 8, 64)) {
                phases.put("ceiling_artemis_flat_out", phase("ceiling + durable Artemis step, flat out", ceilingDone,
                        "bench.ceiling.artemis", workload.make(events), 0, false));
            }
            try (Ceiling.Running r = ceiling.direct("bench.ceiling.rate", 64)) {
                phases.put("ceiling_rate_" + rate, phase("ceiling at " + rate + "/s", ceilingDone, "bench.ceiling.rate",
                        workload.make(rate * rateSeconds), rate, false));
            }
            portal.setLatencyMillis(50);
            try (Ceiling.Running r = ceiling.direct("bench.ceiling.slow", 256)) {
                phases.put("ceiling_portal_50ms", phase("ceiling, portal answering after 50 ms", ceilingDone, "bench.ceiling.slow",
                        workload.make(slowEvents), 0, false));
            } finally {
                portal.setLatencyMillis(0);
            }
            report.put("ceiling_partner_errors", ceiling.partnerErrors.get());
        } finally {
            zalo.setSendReceipts(true);
            cf.close();
            ceiling.close();
        }

        Map<String, Object> ratios = new LinkedHashMap<>();
        ratios.put("throughput_hub_over_ceiling", ratio(phases, "hub_flat_out", "ceiling_flat_out", "events_per_s"));
        ratios.put("throughput_hub_over_ceiling_with_artemis", ratio(phases, "hub_flat_out", "ceiling_artemis_flat_out", "events_per_s"));
        ratios.put("throughput_hub_over_ceiling_portal_50ms", ratio(phases, "hub_portal_50ms", "ceiling_portal_50ms", "events_per_s"));
        ratios.put("cpu_per_1000_events_hub_over_ceiling", ratio(phases, "hub_flat_out", "ceiling_flat_out", "cpu_s_per_1000_events"));
        ratios.put("p99_at_rate_hub_over_ceiling", ratio(phases, "hub_rate_" + rate, "ceiling_rate_" + rate, "latency_p99_ms"));
        report.put("ratios", ratios);

        Files.writeString(out.resolve("report.json"), JSON.writeValueAsString(report));
        Chart.write(report, rate, out.resolve("report.png"));
        System.out.println("\n=== headline ===");
        headline(phases, "hub_flat_out");
        headline(phases, "ceiling_flat_out");
        headline(phases, "ceiling_artemis_flat_out");
        headline(phases, "hub_rate_" + rate);
        headline(phases, "ceiling_rate_" + rate);
        headline(phases, "hub_portal_50ms");
        headline(phases, "ceiling_portal_50ms");
        if (phases.containsKey("hub_lifecycles_flat_out")) headline(phases, "hub_lifecycles_flat_out");
        System.out.println("ratios: " + ratios);
        System.out.println("report: " + out.resolve("report.json") + ", " + out.resolve("report.png"));
    }

    /** Concurrent REST connections of the one-stop system in the "auth" phases. */
    private static final int REST_LANES = Integer.getInteger("bench.rest-connections", 16);

    /**
     * What the bearer token check costs the REST intake: the same events posted flat out with the one-stop system's
     * token (checked: signature, issuer, expiry, role) and, on {@link UnauthenticatedIntake}'s port, without one, in
     * alternating order over {@code rounds} rounds, each event followed until done. Reports each phase and the means:
     * events/s (intake: until every event was answered 202; whole: until every update arrived) and CPU per event
     * (this JVM + PostgreSQL), with the difference in %.
     */
    private Map<String, Object> authCost(Completions done, String topic, Workload workload, int events, int rounds, int warmup,
                                         Map<String, Object> phases) throws Exception {
        String token = infra.issuer().mint("service-account-onestop", List.of("onestop"), "dossier-events:write", Duration.ofHours(4));
        int port = Integer.parseInt(hub.getEnvironment().getProperty("local.server.port"));
        int open = hub.getBean(UnauthenticatedIntake.class).port();
        Map<String, List<Map<String, Object>>> measured = new LinkedHashMap<>();
        try (RestIntake with = new RestIntake("REST intake, bearer token checked", port, token, REST_LANES);
             RestIntake without = new RestIntake("REST intake, no authentication (benchmark port)", open, null, REST_LANES)) {
            // the check is there on the hub's own port: no token, no entry (and the body is never read)
            int refused;
            try (RestIntake probe = new RestIntake("probe", port, null, 1)) {
                refused = probe.post("{}");
            }
            System.out.printf("%n--- auth: the intake without a token on the hub's port answers %d; without authentication on port %d%n",
                    refused, open);
            // both paths compiled before either is measured
            phase("REST intake warm-up, bearer token (not reported)", done, topic, with, workload.make(warmup), 0, true, false);
            phase("REST intake warm-up, no authentication (not reported)", done, topic, without, workload.make(warmup), 0, true, false);
            awaitQuietCompiler();
            for (int round = 1; round <= rounds; round++) {
                // alternate which goes first: a machine that slows down over the run then costs both the same
                List<RestIntake> order = round % 2 == 1 ? List.of(with, without) : List.of(without, with);
                for (RestIntake intake : order) {
                    String key = intake == with ? "with_token" : "without_auth";
                    Map<String, Object> m = phase(intake.describe() + ", round " + round, done, topic, intake, workload.make(events), 0, true, false);
                    phases.put("hub_rest_" + key + "_" + round, m);
                    measured.computeIfAbsent(key, k -> new ArrayList<>()).add(m);
                }
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("rounds", rounds);
        summary.put("events_per_phase", events);
        summary.put("rest_connections", REST_LANES);
        // CPU: this JVM (hub, brokers, simulators, the REST clients) + PostgreSQL, per 1,000 events
        String[] figures = {"intake_events_per_s", "events_per_s", "intake_cpu_s_per_1000_events", "cpu_s_per_1000_events"};
        for (String f : figures) {
            double w = mean(measured.get("with_token"), f), wo = mean(measured.get("without_auth"), f);
            if (f.equals("cpu_s_per_1000_events")) {
                w += mean(measured.get("with_token"), "postgres_cpu_s_per_1000_events");
                wo += mean(measured.get("without_auth"), "postgres_cpu_s_per_1000_events");
            }
            Map<String, Object> cmp = new LinkedHashMap<>();
            cmp.put("with_token", round(w));
            cmp.put("without_auth", round(wo));
            // throughput: how much lower with the check; CPU: how much higher
            cmp.put("cost_percent", round(f.contains("cpu") ? (w - wo) / wo * 100 : (wo - w) / wo * 100));
            summary.put(f, cmp);
        }
        System.out.println("auth cost: " + summary);
        return summary;
    }

    private static double mean(List<Map<String, Object>> phases, String key) {
        return phases.stream().mapToDouble(p -> ((Number) p.get(key)).doubleValue()).average().orElse(Double.NaN);
    }

    /**
     * The leak check: the hub at a steady rate for {@code seconds}, its live heap (after a full collection) taken
     * every 30 s. A leak shows as a live heap that keeps growing; garbage does not count.
     */
    private Map<String, Object> soak(int seconds, int rate, Workload workload) throws Exception {
        System.out.printf("%n--- soak: %d s at %d/s, live heap every 30 s%n", seconds, rate);
        List<Workload.Event> events = workload.stream(seconds * rate);
        List<Double> liveMb = new ArrayList<>();
        Thread sampler = new Thread(() -> {
            try {
                while (true) {
                    System.gc();
                    double mb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
                    synchronized (liveMb) {
                        liveMb.add(round(mb));
                    }
                    System.out.printf("    live heap %.0f MB%n", mb);
                    Thread.sleep(30_000);
                }
            } catch (InterruptedException e) {
                // done
            }
        }, "bench-soak-heap");
        sampler.setDaemon(true);
        Map<String, Object> m;
        try (Completions done = new Completions(infra.kafkaBootstrap(), EmbeddedInfrastructure.UPDATES_TOPIC).start()) {
            sampler.start();
            // no per-event times kept for the stage split: the soak's live heap is the measurement
            m = phase("soak at " + rate + "/s", done, EmbeddedInfrastructure.EVENTS_TOPIC, events, rate, true, false);
        } finally {
            sampler.interrupt();
            sampler.join();
        }
        m.put("live_heap_mb_every_30s", liveMb);
        // least-squares slope of the live heap under load, in MB per minute (the first sample is taken before the
        // traffic starts, without its working set)
        int n = liveMb.size() - 1;
        double sx = 0, sy = 0, sxy = 0, sxx = 0;
        for (int i = 0; i < n; i++) {
            double x = i * 0.5, y = liveMb.get(i + 1);
            sx += x; sy += y; sxy += x * y; sxx += x * x;
        }
        double slope = n > 1 ? (n * sxy - sx * sy) / (n * sxx - sx * sx) : 0;
        m.put("live_heap_slope_mb_per_min", round(slope));
        System.out.printf("    soak: live heap %s MB, slope %.2f MB/min%n", liveMb, slope);
        return m;
    }

    private static Recording startRecording() throws Exception {
        // Execution samples only, every millisecond, with the collections and long compilations beside them. The
        // JDK's "profile" settings (allocation, lock, socket and file events) slowed the flat-out phase they recorded
        // from ~1,000 to 273-280 events/s, and sampled every 10 ms a phase of a few seconds gives too few samples
        // to rank a thread group's methods.
        Recording recording = new Recording();
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
        recording.enable("jdk.GarbageCollection");
        recording.enable("jdk.Compilation").withThreshold(Duration.ofMillis(100));
        recording.start();
        return recording;
    }

    private JfrSummary.Summary summarise(Recording recording, String name) throws Exception {
        recording.stop();
        Path file = out.resolve(name + ".jfr");
        recording.dump(file);
        recording.close();
        JfrSummary.Summary s = JfrSummary.summarise(file);
        Files.writeString(out.resolve("jfr-summary.txt"), JfrSummary.text(s));
        System.out.println(JfrSummary.text(s));
        return s;
    }

    /** The longest paced warm-up, in 10 s steps; -Dbench.paced-warmup-max-seconds to change (0: none). */
    private static final int PACED_WARMUP_MAX_SECONDS = Integer.getInteger("bench.paced-warmup-max-seconds", 240);

    /**
     * Paced traffic until the JIT has caught up with it. One JVM holds the hub, both brokers, the simulators and the
     * driver: tens of thousands of methods. With one C2 thread on 2 cores its queue stays long, and HotSpot raises
     * the compile thresholds with the queue's length, so methods keep reaching C2 for minutes: measured with
     * {@code -XX:+PrintCompilation}, 40-55 C2 compilations a second through the first 70 s at 200/s, then falling
     * to ~2 a second after ~2 minutes, while the compiler threads took close to half a core. A short warm-up then a wait
     * "until the compiler is quiet" does not see it: with the traffic stopped, no method crosses a threshold.
     * So: 10 s steps at the paced rate until a step spends under 1 s compiling (or the maximum is reached).
     */
    private void warmUpPaced(String who, Completions done, String topic, Workload workload, int rate, boolean isHub) throws Exception {
        var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        long start = System.nanoTime();
        for (int step = 1; step * 10 <= PACED_WARMUP_MAX_SECONDS; step++) {
            long before = jit.getTotalCompilationTime();
            phase(who + " paced warm-up, step " + step + " (not reported)", done, topic, workload.make(rate * 10), rate, isHub);
            long compiling = jit.getTotalCompilationTime() - before;
            System.out.printf("    compiling %d ms in the step%n", compiling);
            if (compiling < 1000) break;
        }
        System.out.printf("%s paced warm-up: %.0f s%n", who, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Waits (up to a minute) until the JIT compilers have caught up with the warm-up: on 2 cores the C2 compiler
     * otherwise keeps a core busy for a minute or more, and that cost would land on whichever phase runs next.
     */
    static void awaitQuietCompiler() throws InterruptedException {
        var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        long start = System.nanoTime();
        long last = jit.getTotalCompilationTime();
        while (System.nanoTime() - start < 60_000_000_000L) {
            Thread.sleep(2000);
            long now = jit.getTotalCompilationTime();
            if (now - last < 100) break; // under 5 % of a core compiling
            last = now;
        }
        System.out.printf("JIT compilers quiet after %.0f s%n", (System.nanoTime() - start) / 1e9);
    }

    @SuppressWarnings("unchecked")
    private static Double ratio(Map<String, Object> phases, String a, String b, String key) {
        // a phase left out by -Dbench.phases has no ratio (null in the report)
        if (!phases.containsKey(a) || !phases.containsKey(b)) return null;
        double x = ((Number) ((Map<String, Object>) phases.get(a)).get(key)).doubleValue();
        double y = ((Number) ((Map<String, Object>) phases.get(b)).get(key)).doubleValue();
        return Math.round(x / y * 1000) / 1000.0;
    }

    @SuppressWarnings("unchecked")
    private static void headline(Map<String, Object> phases, String name) {
        Map<String, Object> p = (Map<String, Object>) phases.get(name);
        if (p == null) return; // left out by -Dbench.phases
        String latency = !p.containsKey("latency_p50_ms") ? "until drained (no per-event latency)" : String.format(
                "p50 %7.1f  p95 %7.1f  p99 %7.1f ms", p.get("latency_p50_ms"), p.get("latency_p95_ms"), p.get("latency_p99_ms"));
        System.out.printf("%-26s %7.0f events/s %7.0f calls/s  %s  cpu %.2f s/1000 (+pg %.2f)"
                        + "  heap peak %d MB live %d MB  rss %d MB  db rows/s %.0f  db tx/event %.1f%s%n",
                name, p.get("events_per_s"), p.get("partner_calls_per_s"), latency, p.get("cpu_s_per_1000_events"),
                p.get("postgres_cpu_s_per_1000_events"),
                p.get("heap_peak_mb"), p.get("heap_live_after_gc_mb"), p.get("rss_mb"), p.get("db_rows_per_s"),
                p.get("db_transactions_per_event"), p.containsKey("audit_records_per_s") ? String.format("  audit/s %.0f", p.get("audit_records_per_s")) : "");
    }

    /**
     * Publishes the events (flat out, or paced at {@code rate}/s) and waits until every one is done; measures
     * from the first publish to the last completion.
     */
    private Map<String, Object> phase(String name, Completions done, String topic, List<Workload.Event> events, int rate,
                                      boolean isHub) throws Exception {
        return phase(name, done, topic, events, rate, isHub, isHub && rate > 0);
    }

    /** @param splitStages split a paced hub phase's latency into stages ({@link #stages}) */
    private Map<String, Object> phase(String name, Completions done, String topic, List<Workload.Event> events, int rate,
                                      boolean isHub, boolean splitStages) throws Exception {
        return phase(name, done, topic, new KafkaSender(producer, topic), events, rate, isHub, splitStages);
    }

    /**
     * @param topic  the one-stop topic the hub consumes (its lag is part of the backlog, even when the events come
     *               over REST)
     * @param sender how the events reach the hub: Kafka, or the REST intake ({@link RestIntake})
     */
    private Map<String, Object> phase(String name, Completions done, String topic, Sender sender, List<Workload.Event> events,
                                      int rate, boolean isHub, boolean splitStages) throws Exception {
        // the JVM's uptime at the start, as target/bench/gc.log stamps its collections
        System.out.printf("%n--- %s: %d events%s (JVM uptime %.1f s)%n", name, events.size(), rate > 0 ? " at " + rate + "/s" : " flat out",
                ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
        done.reset(splitStages);
        long auditBefore = isHub ? count("SELECT count(*) FROM audit_record") : 0;
        long auditIdBefore = isHub ? count("SELECT coalesce(max(id), 0) FROM audit_record") : 0;
        long rowsBefore = dbRowsWritten();
        long commitsBefore = dbCommits();
        long callsBefore = partnerCalls();
        Map<String, Long> callsByPartyBefore = partnerCallsByParty();
        double[] inboundBefore = isHub ? inboundBatches() : null;
        if (DB_STATEMENTS) resetStatements();
        System.gc(); // start each phase from the same heap
        Backlog backlog = isHub ? new Backlog(infra.kafkaBootstrap(), topic, "lgsp-hub", hub.getBean(QueueMetrics.class)) : null;
        meter.begin();
        ThreadBreakdown.Snapshot threadsBefore = ThreadBreakdown.take();
        long start = System.nanoTime();
        // events followed one by one (their updates), or a phase that ends when the hub has drained (lifecycles)
        boolean followed = events.get(0).expectedUpdates() > 0;
        long interval = rate > 0 ? 1_000_000_000L / rate : 0;
        for (int i = 0; i < events.size(); i++) {
            Workload.Event e = events.get(i);
            if (interval > 0) {
                long due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) LockSupport.parkNanos(wait);
            }
            if (followed) done.published(e.eventId(), e.type(), e.expectedUpdates());
            sender.send(e);
        }
        sender.flush(); // over REST: every event answered
        long publishedIn = System.nanoTime() - start;
        double publishCpuSeconds = meter.cpuSecondsSoFar();
        long drainedAt = followed ? 0 : awaitDrained(backlog, Duration.ofMinutes(4));
        int finished = followed ? done.awaitDone(events.size(), Duration.ofMinutes(4)) : drainedAt > 0 ? events.size() : 0;
        ResourceMeter.Usage usage = meter.end();
        Map<String, Object> byThread = ThreadBreakdown.between(threadsBefore, ThreadBreakdown.take(), Math.max(1, finished));
        List<String> backlogSamples = List.of();
        if (backlog != null) {
            backlog.close();
            backlogSamples = backlog.samples();
        }
        Completions.Result r = done.result();
        // the audit writer and the statistics collector trail the last update by a little
        long audit = 0;
        if (isHub) {
            for (long last = -1; ; Thread.sleep(300)) {
                audit = count("SELECT count(*) FROM audit_record") - auditBefore;
                if (audit == last) break;
                last = audit;
            }
        }
        Thread.sleep(1200);
        long rows = dbRowsWritten() - rowsBefore;
        long commits = dbCommits() - commitsBefore;
        long calls = partnerCalls() - callsBefore;

        // a lifecycles phase that never drained is measured to its timeout (and reported as not completed below)
        double seconds = (followed ? r.lastDoneNanos() - r.firstPublishNanos()
                : (drainedAt > 0 ? drainedAt : System.nanoTime()) - start) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("events", events.size());
        m.put("completed", finished);
        m.put("offered_rate", rate > 0 ? rate : "flat out");
        m.put("publish_seconds", round(publishedIn / 1e9));
        if (sender instanceof RestIntake rest) {
            // the intake's own pace: every event answered 202 (its partner work goes on meanwhile and after)
            m.put("intake", rest.describe());
            m.put("intake_answers", rest.answers());
            m.put("intake_events_per_s", round(events.size() / (publishedIn / 1e9)));
            // this JVM and PostgreSQL from the first POST to the last answer
            m.put("intake_cpu_s_per_1000_events", round(publishCpuSeconds * 1000 / events.size()));
        }
        m.put("seconds", round(seconds));
        m.put("events_per_s", round(finished / seconds));
        m.put("partner_calls", calls);
        m.put("partner_calls_per_s", round(calls / seconds));
        if (followed) {
            m.put("latency_p50_ms", round(r.percentile(50)));
            m.put("latency_p95_ms", round(r.percentile(95)));
            m.put("latency_p99_ms", round(r.percentile(99)));
            m.put("latency_max_ms", round(r.percentile(100)));
            m.put("latency_by_update_ms", done.latencyByUpdateType());
        } else {
            m.put("events_by_type", countBy(events));
            m.put("partner_calls_by_party", minus(partnerCallsByParty(), callsByPartyBefore));
            m.put("outcomes_by_party", outcomesByParty(auditIdBefore));
        }
        if (rate > 0) m.put("worst_latency_ms_each_second", done.worstLatencyEachSecondMs());
        if (splitStages) m.put("stages_ms", stages(infra.jdbcUrl(), done.publishedAndDone(), auditIdBefore));
        m.put("cpu_s_per_1000_events", round(usage.jvmCpuSeconds() * 1000 / finished));
        m.put("postgres_cpu_s_per_1000_events", round(usage.postgresCpuSeconds() * 1000 / finished));
        m.put("cpu_cores_busy", round((usage.jvmCpuSeconds() + usage.postgresCpuSeconds()) / usage.wallSeconds()));
        m.put("heap_peak_mb", usage.peakHeapBytes() >> 20);
        m.put("heap_live_after_gc_mb", usage.liveHeapAfterGcBytes() >> 20);
        m.put("rss_mb", usage.rssBytes() >> 20);
        m.put("rss_peak_mb", usage.rssPeakBytes() >> 20);
        m.put("db_rows_written", rows);
        m.put("db_rows_written_per_event", round((double) rows / events.size()));
        m.put("db_rows_per_s", round(rows / seconds));
        // transactions, read-only ones included: what small batches cost PostgreSQL
        m.put("db_transactions_per_event", round((double) commits / events.size()));
        if (isHub) {
            m.put("audit_records", audit);
            m.put("audit_records_per_event", round((double) audit / events.size()));
            m.put("audit_records_per_s", round(audit / seconds));
        }
        if (isHub) {
            // the inbound's batches (hub_inbound_* metrics): their size and how long each took to make durable
            double[] inbound = inboundBatches();
            double batches = inbound[0] - inboundBefore[0];
            m.put("inbound_batches", (long) batches);
            m.put("inbound_events_per_batch", round((inbound[2] - inboundBefore[2]) / Math.max(1, batches)));
            m.put("inbound_accept_ms_mean", round((inbound[1] - inboundBefore[1]) / Math.max(1, batches)));
        }
        if (!backlogSamples.isEmpty()) m.put("backlog_each_second", backlogSamples);
        m.put("by_thread_group", byThread);
        if (DB_STATEMENTS) m.put("db_statements", topStatements(finished));
        System.out.println("    " + m);
        if (finished < events.size()) System.out.println("    WARNING: only " + finished + " of " + events.size() + " events completed");
        return m;
    }

    static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 100) / 100.0 : -1;
    }

    /**
     * Calls the simulators answered: portal syncs + progress reports, ZNS messages, VNPost orders, SMS, identity
     * checks (VerifyIdentity) and tax declarations (SubmitDeclaration).
     */
    private long partnerCalls() {
        return partnerCallsByParty().values().stream().mapToLong(Long::longValue).sum();
    }

    private Map<String, Long> partnerCallsByParty() {
        Map<String, Long> n = new LinkedHashMap<>();
        n.put("national-portal", (long) portal.recordsAccepted());
        n.put("zalo", (long) zalo.znsCount());
        n.put("sms", (long) sms.received().size());
        n.put("vnpost", (long) vnpost.calls("createOrder"));
        n.put("police", police.verifyRequests().total());
        n.put("tax", tax.submissions().total());
        return n;
    }

    private static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> d = new LinkedHashMap<>();
        after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0L)));
        return d;
    }

    /**
     * Waits until the hub has drained: its consumer group has taken every event from Kafka and every partner queue
     * is empty (a message leaves its queue when its batch commits, after the follow-up work it led to was queued),
     * seen twice 100 ms apart. Returns when that was first seen (System.nanoTime), or 0 after the timeout.
     */
    private long awaitDrained(Backlog backlog, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long since = 0;
        while (System.nanoTime() < deadline) {
            long now = System.nanoTime();
            if (!backlog.drained() || agenciesAwaited() > 0) {
                since = 0;
            } else if (since == 0) {
                since = now;
            } else {
                return since;
            }
            Thread.sleep(100);
        }
        return 0;
    }

    /**
     * Agency work that no queue shows: identity checks the police answered PENDING (re-queued with a delay, which the
     * depth counts, but between the answer and the re-queue only this row tells) and declarations whose answer the
     * tax office has yet to call back with, or whose update the hub has yet to publish (its outbox).
     */
    private long agenciesAwaited() throws Exception {
        return count("SELECT (SELECT count(*) FROM police_identity_check WHERE status IN ('REQUESTED', 'PENDING'))"
                + " + (SELECT count(*) FROM tax_declaration WHERE state IN ('SUBMITTING', 'SUBMITTED'))"
                + " + (SELECT count(*) FROM tax_update_outbox WHERE sent_at IS NULL)");
    }

    private static Map<String, Long> countBy(List<Workload.Event> events) {
        Map<String, Long> n = new java.util.TreeMap<>();
        for (Workload.Event e : events) n.merge(e.type(), 1L, Long::sum);
        return n;
    }

    /** The hub's audit records of the phase by party and outcome: what the events became (orders, messages, ...). */
    private Map<String, Long> outcomesByParty(long auditIdBefore) throws Exception {
        Map<String, Long> n = new java.util.TreeMap<>();
        try (var c = DriverManager.getConnection(infra.jdbcUrl());
             var s = c.prepareStatement("SELECT party || ' ' || direction || ' ' || outcome, count(*) FROM audit_record"
                     + " WHERE id > ? GROUP BY 1")) {
            s.setLong(1, auditIdBefore);
            try (var rs = s.executeQuery()) {
                while (rs.next()) n.put(rs.getString(1), rs.getLong(2));
            }
        }
        return n;
    }

    /** Rows inserted or updated in every table (PostgreSQL's own statistics). */
    /** The inbound's accepted batches so far: count, milliseconds spent accepting them, events in them. */
    private double[] inboundBatches() {
        var registry = hub.getBean(io.micrometer.core.instrument.MeterRegistry.class);
        var timer = registry.get("hub.inbound.accept").timer();
        return new double[] {timer.count(), timer.totalTime(TimeUnit.MILLISECONDS),
                registry.get("hub.inbound.batch.events").summary().totalAmount()};
    }

    private long dbRowsWritten() throws Exception {
        return count("SELECT coalesce(sum(n_tup_ins + n_tup_upd), 0) FROM pg_stat_user_tables");
    }

    /** Transactions committed in the hub's database (PostgreSQL's own statistics). */
    private long dbCommits() throws Exception {
        return count("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");
    }

    /**
     * Where a paced phase's latency goes, from the hub's own audit times (same clock as the driver's): publish ->
     * the inbound's ACCEPTED record (Kafka, the inbound batch, validation, the inbox rows, the broker's commit of
     * the work and the chain lock: the record is stamped just before it is inserted), the last partner call's own
     * duration, and the rest (the database commit, the work queue, the shard and call threads, the update back
     * through Kafka). For all events and for the slowest 1 %: which stage makes the tail.
     */
    static Map<String, Object> stages(String jdbcUrl, Map<String, long[]> times, long auditIdBefore) throws Exception {
        Map<String, Long> accepted = new java.util.HashMap<>();
        Map<String, long[]> lastCall = new java.util.HashMap<>(); // eventId -> {recorded at, call ms}
        try (var c = DriverManager.getConnection(jdbcUrl);
             var ps = c.prepareStatement("SELECT correlation_id, direction, recorded_at, latency_ms FROM audit_record"
                     + " WHERE id > ? AND outcome IN ('ACCEPTED', 'DELIVERED') AND NOT (direction = 'OUT' AND party = 'onestop')")) {
            ps.setLong(1, auditIdBefore);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    java.time.Instant at = rs.getTimestamp(3).toInstant();
                    long micros = at.getEpochSecond() * 1_000_000 + at.getNano() / 1000;
                    if ("IN".equals(rs.getString(2))) {
                        accepted.put(id, micros);
                    } else if (id != null && id.indexOf(':') > 0) {
                        long[] call = {micros, rs.getLong(4)};
                        lastCall.merge(id.substring(0, id.indexOf(':')), call, (a, b) -> a[0] >= b[0] ? a : b);
                    }
                }
            }
        }
        List<double[]> rows = new ArrayList<>(); // {total, inbound, call, rest}
        times.forEach((eventId, t) -> {
            Long in = accepted.get(eventId);
            long[] call = lastCall.get(eventId);
            if (in == null || call == null) return;
            double total = (t[1] - t[0]) / 1000.0, inbound = (in - t[0]) / 1000.0;
            rows.add(new double[] {total, inbound, call[1], total - inbound - call[1]});
        });
        rows.sort(java.util.Comparator.comparingDouble(r -> r[0]));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("events", rows.size());
        String[] names = {"total", "publish_to_accepted", "last_partner_call", "rest"};
        for (int k = 0; k < names.length; k++) {
            int col = k;
            double[] v = rows.stream().mapToDouble(r -> r[col]).sorted().toArray();
            if (v.length == 0) break;
            double slowMean = rows.subList(rows.size() - Math.max(1, rows.size() / 100), rows.size()).stream().mapToDouble(r -> r[col]).average().orElse(0);
            out.put(names[k], Map.of("p50", round(v[v.length / 2]), "p99", round(v[Math.min(v.length - 1, v.length * 99 / 100)]),
                    "mean_of_slowest_1pct", round(slowMean)));
        }
        return out;
    }

    /**
     * -Dbench.db-statements=true: the phase's statements as PostgreSQL counted them (pg_stat_statements), the
     * most expensive first: per 1,000 events, how often each ran and the milliseconds it spent executing. Where a
     * database's share of the CPU goes, by statement (planning, parsing and commits are not in these times).
     */
    static final boolean DB_STATEMENTS = Boolean.getBoolean("bench.db-statements");

    private void resetStatements() throws Exception {
        resetStatements(infra.jdbcUrl());
    }

    static void resetStatements(String dbUrl) throws Exception {
        try (var c = DriverManager.getConnection(dbUrl); var st = c.createStatement()) {
            st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            st.execute("SELECT pg_stat_statements_reset()");
        }
    }

    private List<String> topStatements(int events) throws Exception {
        return topStatements(infra.jdbcUrl(), events);
    }

    static List<String> topStatements(String dbUrl, int events) throws Exception {
        List<String> top = new ArrayList<>();
        try (var c = DriverManager.getConnection(dbUrl); var st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT calls, total_exec_time, query FROM pg_stat_statements"
                     + " WHERE query NOT LIKE '%pg_stat%' ORDER BY total_exec_time DESC LIMIT 15")) {
            while (rs.next()) {
                String sql = rs.getString(3).replaceAll("\\s+", " ");
                top.add(String.format("%.0f calls, %.0f ms: %s", rs.getLong(1) * 1000.0 / events, rs.getDouble(2) * 1000 / events,
                        sql.substring(0, Math.min(140, sql.length()))));
            }
        }
        return top;
    }

    private long count(String sql) throws Exception {
        try (var c = DriverManager.getConnection(infra.jdbcUrl()); var st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        // the heap and collector settings (bench/run.sh): they move the tail at 200/s
        m.put("jvm_options", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-XX:") || a.startsWith("-Xm")).toList());
        try {
            m.put("cpu", Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 2)).orElse("?"));
        } catch (Exception ignored) {
            // not Linux
        }
        // how the kernel writes dirty pages back: a burst of writeback stalls every disk sync on the same disk (the
        // Artemis journal's, PostgreSQL's) for up to seconds, which decided the p99 at 200/s (bench/PROFILING.md)
        Map<String, Object> writeback = new LinkedHashMap<>();
        for (String k : List.of("dirty_background_bytes", "dirty_background_ratio", "dirty_bytes", "dirty_ratio",
                "dirty_expire_centisecs", "dirty_writeback_centisecs")) {
            try {
                writeback.put(k, Long.parseLong(Files.readString(Path.of("/proc/sys/vm", k)).trim()));
            } catch (Exception ignored) {
                // not Linux
            }
        }
        if (!writeback.isEmpty()) m.put("vm_writeback", writeback);
        return m;
    }

    static List<String> keys(Map<String, Object> m) {
        return new ArrayList<>(m.keySet());
    }
}
