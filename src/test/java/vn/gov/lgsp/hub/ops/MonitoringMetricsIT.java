package vn.gov.lgsp.hub.ops;

import static org.assertj.core.api.Assertions.assertThat;
import vn.gov.lgsp.hub.infra.TestTokens;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.EventPublisher;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;
import vn.gov.lgsp.hub.work.PartnerWorkQueues;
import vn.gov.lgsp.hub.work.PartnerWorker;
import vn.gov.lgsp.hub.work.PartnerWorkRoutes;

/**
 * The dashboard and the alert rules of config/monitoring only name metrics a running hub exports, and the metrics
 * added for them (circuit state, partner up, queue age, inbound lag, audit check) say what they claim.
 */
@HubIntegrationTest
class MonitoringMetricsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    static final Path DASHBOARD = Path.of("config/monitoring/grafana-dashboard.json");
    static final Path RULES = Path.of("config/monitoring/prometheus-alerts.yml");

    @Autowired TestRestTemplate http;
    @Autowired JdbcTemplate jdbc;
    @Autowired PartnerWorkRoutes routes;
    @Autowired PartnerWorkQueues workQueues;
    @Autowired ConnectionFactory jms;
    @Autowired AuditVerifyMetrics auditVerify;

    private final DossierEventFactory factory = new DossierEventFactory(System.nanoTime());

    /** GET as an operator's Prometheus would: with an admin token (actuator needs one beyond the plain status). */
    private ResponseEntity<String> get(String path) {
        return TestTokens.as(http, TestTokens.admin()).getForEntity(path, String.class);
    }

    private void putOnQueue(String queue) throws Exception {
        try (Connection c = jms.createConnection()) {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            s.createProducer(s.createQueue(queue)).send(s.createTextMessage("{\"waiting\":true}"));
            s.commit();
        }
    }

    private String prometheus() {
        ResponseEntity<String> r = get("/actuator/prometheus");
        assertThat(r.getStatusCode().value()).isEqualTo(200);
        return r.getBody();
    }

    @Test
    void everyMetricOfTheDashboardAndTheAlertRulesIsExported() throws Exception {
        Set<String> names = new TreeSet<>();
        names.addAll(metricNames(dashboardExpressions()));
        names.addAll(metricNames(ruleExpressions()));
        // the extraction found what the files are about (it would pass vacuously on an empty set)
        assertThat(names).contains("hub_partner_up", "hub_circuit_state", "hub_messages_total", "hub_queue_depth",
                "hub_queue_oldest_age_seconds", "hub_dead_letters_open", "hub_inbound_lag", "hub_inbound_accept_seconds_sum",
                "hub_audit_verify_ok", "logback_events_total");

        // a little traffic: one event by REST, one by Kafka, each synced with the portal
        String restCode = postEvent(received());
        ObjectNode viaKafka = received();
        try (EventPublisher kafka = new EventPublisher(SharedInfrastructure.get().kafkaBootstrap(), EmbeddedInfrastructure.EVENTS_TOPIC)) {
            kafka.publish(viaKafka);
        }
        String kafkaCode = viaKafka.path("dossier").path("code").asText();
        await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT count(*) FROM audit_record WHERE dossier_code IN (?, ?)"
                + " AND party = 'national-portal' AND outcome = 'DELIVERED'", Integer.class, restCode, kafkaCode) == 2);

        await().atMost(WAIT).untilAsserted(() -> {
            String exported = prometheus();
            List<String> missing = names.stream().filter(n -> !Pattern.compile("(?m)^" + n + "[{ ]").matcher(exported).find()).toList();
            assertThat(missing).as("metrics named in %s or %s but not on /actuator/prometheus", DASHBOARD, RULES).isEmpty();
        });
        String exported = prometheus();
        assertThat(value(exported, "hub_inbound_accept_seconds_count", "").orElse(0)).isGreaterThanOrEqualTo(1);
        // both events' work went to the broker in an intake batch each, REST's and Kafka's
        assertThat(value(exported, "hub_inbound_broker_commit_seconds_count", "").orElse(0)).isGreaterThanOrEqualTo(2);
        assertThat(value(exported, "hub_messages_total", "party=\"national-portal\",direction=\"OUT\",outcome=\"DELIVERED\"")
                .orElse(Double.NaN)).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aPartnerWhoseCircuitIsOpenIsDown() {
        CircuitBreaker circuit = routes.workers().get("sms").circuit();
        assertThat(value(prometheus(), "hub_circuit_state", "partner=\"sms\"")).hasValue(CircuitMetrics.state(circuit));
        circuit.transitionToForcedOpenState();
        try {
            String exported = prometheus();
            assertThat(value(exported, "hub_circuit_state", "partner=\"sms\"")).hasValue(2.0);
            assertThat(value(exported, "hub_partner_up", "partner=\"sms\"")).hasValue(0.0);
        } finally {
            circuit.transitionToClosedState();
        }
        String exported = prometheus();
        assertThat(value(exported, "hub_circuit_state", "partner=\"sms\"")).hasValue(0.0);
        assertThat(value(exported, "hub_partner_up", "partner=\"sms\"")).hasValue(1.0);
        assertThat(value(exported, "hub_circuit_failure_rate", "partner=\"sms\"")).isPresent();
    }

    @Test
    void workNobodyTakesShowsItsAgeAndTheQueueItsDepth() throws Exception {
        // police work waits while its circuit is held open (the shard consumers take nothing from a partner found down)
        PartnerWorker police = routes.workers().get("police");
        police.circuit().transitionToForcedOpenState();
        String queue = workQueues.shardQueue("police", 0);
        try {
            // the shard's consumer lets go of the queue within its receive timeout: until then it may take (and
            // dead-letter, as no work) what the test puts there, so the test puts another until one waits
            // polled no faster than the gauges refresh (hub.metrics.refresh: 2 s in tests)
            await().atMost(WAIT).pollInterval(Duration.ofMillis(2500)).untilAsserted(() -> {
                String exported = prometheus();
                if (value(exported, "hub_queue_depth", "partner=\"police\"").orElse(0) < 1) putOnQueue(queue);
                assertThat(value(exported, "hub_queue_depth", "partner=\"police\"").orElse(0)).isGreaterThanOrEqualTo(1);
                assertThat(value(exported, "hub_queue_oldest_age_seconds", "partner=\"police\"").orElse(0)).isGreaterThan(0);
            });
        } finally {
            police.circuit().transitionToClosedState(); // the worker takes it (and dead-letters a body that is no work)
        }
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(value(prometheus(), "hub_queue_oldest_age_seconds", "partner=\"police\"")).hasValue(0.0));
    }

    @Test
    void inboundLagIsWhatTheGroupHasNotCommitted() throws Exception {
        String topic = "ops.lag." + System.nanoTime(), group = "ops-lag-" + System.nanoTime();
        String bootstrap = SharedInfrastructure.get().kafkaBootstrap();
        InboundLagMetrics lag = new InboundLagMetrics(bootstrap, topic, group, new SimpleMeterRegistry());
        try (EventPublisher kafka = new EventPublisher(bootstrap, topic);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            assertThat(lag.measure()).isZero(); // no topic yet
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1))).all().get();
            for (int i = 0; i < 3; i++) kafka.publish("K-" + i, "{}");
            assertThat(lag.measure()).isEqualTo(3); // nothing committed: counted from the first offset
            admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(2))).all().get();
            assertThat(lag.measure()).isEqualTo(1);
            lag.refresh();
            assertThat(lag.lag()).isEqualTo(1);
        } finally {
            lag.destroy();
        }
        // the hub's own gauge reads Kafka (-1 would mean it cannot)
        await().atMost(WAIT).untilAsserted(() -> assertThat(value(prometheus(), "hub_inbound_lag",
                "topic=\"" + EmbeddedInfrastructure.EVENTS_TOPIC + "\"").orElse(-1)).isGreaterThanOrEqualTo(0));
    }

    @Test
    void theAuditCheckGaugeIsTheLastVerifyResult() {
        postEvent(received()); // at least one record to read
        long before = System.currentTimeMillis() / 1000;
        Map<String, Object> result = auditVerify.verifyNow();
        assertThat(result).isNotNull();
        String exported = prometheus();
        assertThat(value(exported, "hub_audit_verify_ok", "")).hasValue(Boolean.TRUE.equals(result.get("valid")) ? 1.0 : 0.0);
        assertThat(value(exported, "hub_audit_verify_records", "")).hasValue(((Number) result.get("recordsChecked")).doubleValue());
        assertThat(value(exported, "hub_audit_verify_records", "").orElse(0)).isGreaterThanOrEqualTo(1);
        assertThat(value(exported, "hub_audit_verify_timestamp_seconds", "").orElse(0)).isGreaterThanOrEqualTo(before);
    }

    // --- helpers ---

    private ObjectNode received() {
        return factory.lifecycle(factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN).minusDays(1))).get(0);
    }

    private String postEvent(ObjectNode event) {
        HttpHeaders h = TestTokens.bearer(TestTokens.onestop());
        h.setContentType(MediaType.APPLICATION_JSON);
        ResponseEntity<String> r = http.postForEntity("/api/v1/dossier-events", new HttpEntity<>(event.toString(), h), String.class);
        assertThat(r.getStatusCode().value()).isEqualTo(202);
        return event.path("dossier").path("code").asText();
    }

    /** Every PromQL expression of the dashboard: panel targets and template variable queries. */
    static List<String> dashboardExpressions() throws Exception {
        JsonNode d = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        List<String> out = new ArrayList<>();
        d.path("panels").forEach(p -> p.path("targets").forEach(t -> out.add(t.path("expr").asText())));
        d.path("templating").path("list").forEach(v -> {
            if ("query".equals(v.path("type").asText())) out.add(v.path("definition").asText());
        });
        assertThat(out).hasSizeGreaterThanOrEqualTo(10).allMatch(e -> !e.isBlank());
        return out;
    }

    static List<String> ruleExpressions() throws Exception {
        JsonNode r = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(RULES));
        List<String> out = new ArrayList<>();
        r.path("groups").forEach(g -> g.path("rules").forEach(rule -> out.add(rule.path("expr").asText())));
        assertThat(out).hasSizeGreaterThanOrEqualTo(8).allMatch(e -> !e.isBlank());
        return out;
    }

    private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern SELECTORS = Pattern.compile("\\{[^}]*}");
    private static final Pattern GROUPINGS = Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("\\b([a-zA-Z_:][a-zA-Z0-9_:]*)\\b(\\s*\\()?");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "bool", "offset", "inf", "nan");

    /** The metric names in PromQL expressions: identifiers that are neither functions, keywords, labels nor strings. */
    static Set<String> metricNames(List<String> expressions) {
        Set<String> names = new TreeSet<>();
        for (String e : expressions) {
            String s = STRINGS.matcher(e).replaceAll(" ");
            s = SELECTORS.matcher(s).replaceAll(" ");
            s = GROUPINGS.matcher(s).replaceAll(" ");
            s = s.replaceAll("\\[[^]]*]", " "); // ranges: [5m]
            s = s.replaceAll("\\$\\w+", " ");   // Grafana variables
            Matcher m = IDENTIFIER.matcher(s);
            while (m.find()) {
                String id = m.group(1);
                boolean call = m.group(2) != null;
                if (call || KEYWORDS.contains(id.toLowerCase()) || id.matches("\\d.*") || !id.contains("_")) continue;
                names.add(id);
            }
        }
        return names;
    }

    /** The value of the first sample of {@code name} whose labels contain {@code labels} (the exposition's text). */
    static OptionalDouble value(String exposition, String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{([^}]*)})? (\\S+)").matcher(exposition);
        while (m.find()) {
            String l = m.group(1) == null ? "" : m.group(1);
            if (labels.isEmpty() || containsAll(l, labels)) return OptionalDouble.of(Double.parseDouble(m.group(2)));
        }
        return OptionalDouble.empty();
    }

    private static boolean containsAll(String labels, String wanted) {
        for (String w : wanted.split(",(?=[a-zA-Z_]+=)")) if (!labels.contains(w)) return false;
        return true;
    }
}
