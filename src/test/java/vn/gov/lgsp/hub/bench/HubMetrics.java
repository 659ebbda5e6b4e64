package vn.gov.lgsp.hub.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vn.gov.lgsp.hub.infra.DemoIssuer;

/**
 * The hub's own intake timers, read from {@code /actuator/prometheus} as an operator's Prometheus reads them (role
 * metrics): how a paced run's intake batches went inside the hub, beside the stage split the audit times give.
 */
final class HubMetrics {
    private static final List<String> COUNTERS = List.of("hub_inbound_accept_seconds_count", "hub_inbound_accept_seconds_sum",
            "hub_inbound_broker_commit_seconds_count", "hub_inbound_broker_commit_seconds_sum", "hub_inbound_batch_events_sum");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI uri;
    private final DemoIssuer issuer;

    HubMetrics(int hubPort, DemoIssuer issuer) {
        this.uri = URI.create("http://127.0.0.1:" + hubPort + "/actuator/prometheus");
        this.issuer = issuer;
    }

    /** The intake's counters now; empty if the hub does not answer. */
    Map<String, Double> read() {
        Map<String, Double> values = new HashMap<>();
        try {
            String token = issuer.mint("service-account-prometheus", List.of("metrics"), "", Duration.ofMinutes(5));
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                System.out.println("    (the hub's metrics were not read: HTTP " + r.statusCode() + " " + r.body().substring(0, Math.min(200, r.body().length())) + ")");
                return values;
            }
            for (String line : r.body().split("\n")) {
                int space = line.lastIndexOf(' ');
                if (space < 0 || line.startsWith("#")) continue;
                // the hub's common tag (application) is on every series: the name ends at its labels
                int labels = line.indexOf('{');
                String name = line.substring(0, labels > 0 && labels < space ? labels : space);
                if (COUNTERS.contains(name)) values.put(name, Double.parseDouble(line.substring(space + 1)));
            }
        } catch (Exception e) {
            System.out.println("    (the hub's metrics were not read: " + e.getMessage() + ")");
        }
        return values;
    }

    /** Between two readings: intake batches, events per batch, and the mean ms of a batch's accept and broker commit. */
    static Map<String, Object> intakeBetween(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Object> m = new LinkedHashMap<>();
        double batches = delta(before, after, "hub_inbound_accept_seconds_count");
        if (batches <= 0) return m;
        double commits = delta(before, after, "hub_inbound_broker_commit_seconds_count");
        m.put("batches", (long) batches);
        m.put("events_per_batch", round(delta(before, after, "hub_inbound_batch_events_sum") / batches));
        m.put("accept_ms_mean", round(1000 * delta(before, after, "hub_inbound_accept_seconds_sum") / batches));
        if (commits > 0) m.put("broker_commit_ms_mean", round(1000 * delta(before, after, "hub_inbound_broker_commit_seconds_sum") / commits));
        return m;
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String name) {
        return after.getOrDefault(name, 0.0) - before.getOrDefault(name, 0.0);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
