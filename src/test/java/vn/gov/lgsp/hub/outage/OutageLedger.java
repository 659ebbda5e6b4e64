package vn.gov.lgsp.hub.outage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.connector.nationalportal.simulator.PortalSimulator;
import vn.gov.lgsp.connector.sms.simulator.SmsGatewaySimulator;
import vn.gov.lgsp.connector.vnpost.simulator.VnpostSimulator;
import vn.gov.lgsp.connector.zalo.simulator.ZaloSimulator;
import vn.gov.lgsp.hub.infra.TopicRecorder;

/**
 * What an outage of the hub's own infrastructure must leave behind, read from the partners' side (the simulators
 * count what they received per business key), the one-stop side (the updates topic, by updateId) and the hub's
 * database: every accepted event processed once, no partner call made twice, every partner call's update published,
 * each dossier's statuses at the portal once and in order, nothing dead-lettered, no dossier left waiting.
 * Simulators a test does not run are passed as null.
 */
final class OutageLedger {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JdbcTemplate jdbc;
    private final OnestopTraffic traffic;
    private final TopicRecorder updates;
    private final PortalSimulator portal;
    private final ZaloSimulator zalo;
    private final SmsGatewaySimulator sms;
    private final VnpostSimulator vnpost;
    /** Partners a test switched off: their work is dead-lettered as "partner not enabled", by design. */
    private String[] partnersOff = {};
    /** What the checks counted, for the test's printed figures. */
    final Map<String, Long> figures = new java.util.LinkedHashMap<>();

    OutageLedger(JdbcTemplate jdbc, OnestopTraffic traffic, TopicRecorder updates, PortalSimulator portal, ZaloSimulator zalo,
                 SmsGatewaySimulator sms, VnpostSimulator vnpost) {
        this.jdbc = jdbc;
        this.traffic = traffic;
        this.updates = updates;
        this.portal = portal;
        this.zalo = zalo;
        this.sms = sms;
        this.vnpost = vnpost;
    }

    OutageLedger partnersOff(String... partners) {
        this.partnersOff = partners;
        return this;
    }

    /** Waits until the work of every dossier is done (at most {@code atMost}), then checks everything. */
    void awaitAndCheck(Duration atMost) {
        String[] codes = traffic.codes();
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() -> {
                for (int i = 0; i < codes.length; i++) {
                    PortalSimulator.PortalDossier d = portal.dossier(codes[i]);
                    assertThat(d).as(codes[i]).isNotNull();
                    List<Integer> statuses = traffic.portalStatuses(i);
                    assertThat(d.status).as(codes[i]).isEqualTo(statuses.get(statuses.size() - 1));
                }
                assertThat(count("SELECT count(*) FROM work_hold WHERE dossier_code = ANY (?)", (Object) codes)).as("waiting lines").isZero();
                assertThat(pendingNotifications(codes)).as("notifications not yet worked").isEmpty();
                assertThat(missingUpdates()).as("updates not yet on the topic").isEmpty();
                // an order whose CreateOrder failed (e.g. cut off by the stop) waits for its retry: not done yet
                if (vnpost != null) {
                    assertThat(count("SELECT count(*) FROM vnpost_order WHERE state = 'CREATING' AND dossier_code = ANY (?)",
                            (Object) codes)).as("VNPost orders still being created").isZero();
                    // VNPost's queue drains apart from the portal's: a delivery order may not even be claimed yet when
                    // every portal status is in, and its row and order would then appear between the checks below
                    assertThat(vnpostWorkOutstanding()).as("VNPost work not yet finished").isZero();
                }
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the work did not finish: VNPost orders being created " + (vnpost == null ? 0
                    : count("SELECT count(*) FROM vnpost_order WHERE state = 'CREATING' AND dossier_code = ANY (?)", (Object) codes))
                    + ", missing updates " + missingUpdates()
                    + ", notifications not worked " + pendingNotifications(codes) + ", portal " + portal.report(), e);
        }
        checkEventsOnce();
        checkPortal(codes);
        checkNotifications(codes);
        checkVnpost(codes);
        assertThat(jdbc.queryForList("SELECT partner || ' ' || work_id || ': ' || reason FROM dead_letter WHERE dossier_code = ANY (?)"
                + " AND NOT partner = ANY (?)", String.class, codes, partnersOff)).as("dead letters").isEmpty();
    }

    /** Every event answered 202 has one inbox row and one ACCEPTED audit record: processed once. */
    private void checkEventsOnce() {
        String[] ids = traffic.eventIds();
        assertThat(count("SELECT count(*) FROM inbound_event WHERE event_id = ANY (?)", (Object) ids)).isEqualTo(ids.length);
        assertThat(count("SELECT count(*) FROM audit_record WHERE party = 'onestop' AND direction = 'IN' AND outcome = 'ACCEPTED'"
                + " AND correlation_id = ANY (?)", (Object) ids)).as("accepted once each").isEqualTo(ids.length);
        figures.put("events", (long) ids.length);
    }

    /** Each dossier's statuses reached the portal once each, in order, and each has its PORTAL_SYNCED. */
    private void checkPortal(String[] codes) {
        long calls = 0;
        for (int i = 0; i < codes.length; i++) {
            List<Integer> received;
            PortalSimulator.PortalDossier d = portal.dossier(codes[i]);
            synchronized (d.received) {
                received = d.received.stream().map(r -> r.get("TrangThaiHoSo").asInt()).toList();
            }
            assertThat(received).as("each status once, in order, at the portal for " + codes[i]).isEqualTo(traffic.portalStatuses(i));
            calls += received.size();
        }
        assertThat(portal.backwardRejections.get()).as(portal.report()).isZero();
        figures.put("portal calls", calls);
    }

    /** One ZNS per tracking_id and one accepted SMS per RequestId, each with its update on the topic. */
    private void checkNotifications(String[] codes) {
        Set<String> published = publishedIds();
        Set<String> mine = new HashSet<>(jdbc.queryForList("SELECT message_id FROM notify_message WHERE dossier_code = ANY (?)",
                String.class, (Object) codes));
        if (zalo != null) {
            Map<String, Long> sent = zalo.znsReceived().stream().map(z -> z.path("tracking_id").asText())
                    .filter(mine::contains).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertThat(sent).as("ZNS sent more than once (tracking_id: times)").allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));
            // a message sent after the work looked finished (a rating invitation released by its schedule) gets its
            // update a moment later: wait for it, but every ZNS the citizen got must end with its update
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                Set<String> notified = new HashSet<>();
                for (JsonNode u : updates.all()) {
                    if ("CITIZEN_NOTIFIED".equals(u.path("updateType").asText()) && "ZALO".equals(u.at("/detail/channel").asText())) {
                        notified.add(u.at("/detail/messageId").asText());
                    }
                }
                assertThat(notified).as("a CITIZEN_NOTIFIED for every ZNS the citizen got").containsAll(sent.keySet());
            });
            figures.put("ZNS sent", (long) sent.size());
        }
        if (sms != null) {
            Map<String, Long> accepted = sms.sent().stream().map(SmsGatewaySimulator.Received::requestId)
                    .filter(mine::contains).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertThat(accepted).as("SMS accepted more than once (RequestId: times)").allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));
            for (String id : accepted.keySet()) {
                assertThat(published).as("an update for SMS " + id).anyMatch(u -> u.startsWith("sms:" + id + ":"));
            }
            figures.put("SMS sent", (long) accepted.size());
        }
    }

    /** One VNPost order per saleOrderCode. */
    private void checkVnpost(String[] codes) {
        if (vnpost == null) return;
        Set<String> mine = Set.of(codes);
        Map<String, Long> orders = vnpost.orders().stream().map(o -> o.saleOrderCode)
                .filter(s -> mine.contains(s.substring(0, Math.max(0, s.lastIndexOf('-')))))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(orders).as("VNPost orders per saleOrderCode").allSatisfy((code, n) -> assertThat(n).as(code).isEqualTo(1L));
        assertThat(orders.size()).as("an order for every row the hub keeps").isEqualTo(
                count("SELECT count(*) FROM vnpost_order WHERE dossier_code = ANY (?)", (Object) codes));
        figures.put("VNPost orders", (long) orders.size());
    }

    /**
     * Every update the hub owes the one-stop system for these dossiers and has not published: the portal's per event,
     * those recorded with each completed work item, and those of every VNPost status the hub applied.
     */
    Set<String> missingUpdates() {
        String[] codes = traffic.codes();
        Set<String> expected = new TreeSet<>();
        for (ObjectNode e : traffic.events) {
            if (!"PICKUP_REQUESTED".equals(e.get("eventType").asText())) expected.add("portal:" + e.get("eventId").asText());
        }
        for (String list : jdbc.queryForList("SELECT updates FROM work_completion WHERE dossier_code = ANY (?) AND updates IS NOT NULL",
                String.class, (Object) codes)) {
            try {
                for (JsonNode u : JSON.readTree(list)) expected.add(u.path("updateId").asText());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        expected.addAll(jdbc.queryForList("SELECT s.update_id FROM vnpost_status s JOIN vnpost_order o ON o.id = s.order_id"
                + " WHERE o.dossier_code = ANY (?) AND s.update_id IS NOT NULL", String.class, (Object) codes));
        expected.removeAll(publishedIds());
        return expected;
    }

    /** Notifications whose Zalo work, or the SMS work it chose, has not completed yet. */
    private List<String> pendingNotifications(String[] codes) {
        List<String> pending = new ArrayList<>(jdbc.queryForList("SELECT m.message_id FROM notify_message m WHERE m.dossier_code = ANY (?)"
                + " AND NOT EXISTS (SELECT 1 FROM work_completion c WHERE c.work_id = m.work_id)", String.class, (Object) codes));
        pending.addAll(jdbc.queryForList("SELECT m.message_id FROM notify_message m WHERE m.dossier_code = ANY (?) AND m.status = 'SMS_QUEUED'"
                + " AND NOT EXISTS (SELECT 1 FROM work_completion c WHERE c.work_id = 'sms:' || m.message_id)", String.class, (Object) codes));
        return pending;
    }

    private Set<String> publishedIds() {
        Set<String> ids = new HashSet<>();
        for (JsonNode u : updates.all()) ids.add(u.path("updateId").asText());
        return ids;
    }

    /** Times each updateId of these dossiers was published (repeats are allowed by the contract, for the figures). */
    long repeatedPublications() {
        Set<String> codes = Set.of(traffic.codes());
        Map<String, Long> times = new HashMap<>();
        for (JsonNode u : updates.all()) {
            if (codes.contains(u.path("dossierCode").asText())) times.merge(u.path("updateId").asText(), 1L, Long::sum);
        }
        return times.values().stream().mapToLong(n -> n - 1).sum();
    }

    /**
     * The accepted events that gave VNPost work (their ACCEPTED record names the partners) whose work has neither
     * completed nor been dead-lettered; until every event is recorded as accepted, at least one.
     */
    private long vnpostWorkOutstanding() {
        String[] ids = traffic.eventIds();
        String accepted = " FROM audit_record a WHERE a.party = 'onestop' AND a.direction = 'IN' AND a.outcome = 'ACCEPTED'"
                + " AND a.correlation_id = ANY (?)";
        if (count("SELECT count(*)" + accepted, (Object) ids) < ids.length) return 1;
        return count("SELECT count(*)" + accepted + " AND a.detail LIKE '%vnpost%'"
                + " AND NOT EXISTS (SELECT 1 FROM work_completion w WHERE w.work_id = a.correlation_id || ':vnpost')"
                + " AND NOT EXISTS (SELECT 1 FROM dead_letter d WHERE d.work_id = a.correlation_id || ':vnpost')", (Object) ids);
    }

    private long count(String sql, Object... args) {
        Long n = jdbc.queryForObject(sql, Long.class, args);
        return n == null ? 0 : n;
    }
}
