package vn.gov.lgsp.hub.ops;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.work.PartnerWorkRoutes;
import vn.gov.lgsp.hub.work.PartnerWorker;
import vn.gov.lgsp.hub.work.QueueProperties;

/**
 * Per enabled partner, from its circuit breaker (the work package's {@link PartnerWorker#circuit()}):
 * <ul>
 *   <li>{@code hub_circuit_state{partner}}: 0 closed (calls go out), 1 half-open (trial calls), 2 open (no calls:
 *       the partner failed too often; work waits on its queue);</li>
 *   <li>{@code hub_partner_up{partner}}: 1 unless the circuit is open, 0 when it is: what "partner down" means
 *       to the hub;</li>
 *   <li>{@code hub_circuit_failure_rate{partner}}: % of failed calls in the circuit's window (-1 until the window
 *       has its minimum of calls).</li>
 * </ul>
 * Read when scraped: nothing is polled.
 */
@Component
public class CircuitMetrics {
    public static final int CLOSED = 0, HALF_OPEN = 1, OPEN = 2;

    public CircuitMetrics(QueueProperties queues, PartnerWorkRoutes routes, MeterRegistry registry) {
        queues.getPartners().forEach((partner, policy) -> {
            if (!policy.isEnabled()) return; // no worker, no calls: nothing to show
            Gauge.builder("hub.circuit.state", () -> state(circuit(routes, partner))).tag("partner", partner)
                    .description("Circuit breaker of the partner's calls: 0 closed, 1 half-open, 2 open").register(registry);
            Gauge.builder("hub.partner.up", () -> {
                        double s = state(circuit(routes, partner));
                        return Double.isNaN(s) ? Double.NaN : s == OPEN ? 0 : 1;
                    }).tag("partner", partner)
                    .description("1 while the hub calls the partner, 0 while its circuit is open (partner down)").register(registry);
            Gauge.builder("hub.circuit.failure.rate", () -> {
                        CircuitBreaker c = circuit(routes, partner);
                        return c == null ? Double.NaN : c.getMetrics().getFailureRate();
                    }).tag("partner", partner)
                    .description("Failed calls in the circuit's window, % (-1 below its minimum number of calls)").register(registry);
        });
    }

    private static CircuitBreaker circuit(PartnerWorkRoutes routes, String partner) {
        PartnerWorker w = routes.workers().get(partner);
        return w == null ? null : w.circuit();
    }

    /** The gauge's value for a circuit's state (NaN before the partner's worker exists). */
    public static double state(CircuitBreaker circuit) {
        if (circuit == null) return Double.NaN;
        return switch (circuit.getState()) {
            case CLOSED, DISABLED, METRICS_ONLY -> CLOSED;
            case HALF_OPEN -> HALF_OPEN;
            case OPEN, FORCED_OPEN -> OPEN;
        };
    }
}
