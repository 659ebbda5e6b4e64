package vn.gov.lgsp.hub.outage;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import vn.gov.lgsp.connector.nationalportal.simulator.PortalSimulator;
import vn.gov.lgsp.hub.work.PartnerWorkRoutes;
import vn.gov.lgsp.hub.work.PartnerWorker;

/** What the partners' side of a hub in the test's own JVM shows during an outage test. */
final class CircuitWatch {
    private CircuitWatch() {}

    /** Every state transition of every partner's circuit from now on ("zalo CLOSED_TO_OPEN"). */
    static List<String> transitions(PartnerWorkRoutes work) {
        List<String> transitions = new CopyOnWriteArrayList<>();
        for (Map.Entry<String, PartnerWorker> w : work.workers().entrySet()) {
            CircuitBreaker.EventPublisher events = w.getValue().circuit().getEventPublisher();
            events.onStateTransition(t -> transitions.add(w.getKey() + " " + t.getStateTransition()));
        }
        return transitions;
    }

    /** Calls the portal received for these dossiers so far. */
    static int portalCalls(PortalSimulator portal, String[] codes) {
        int n = 0;
        for (String code : codes) {
            PortalSimulator.PortalDossier d = portal.dossier(code);
            if (d != null) n += d.received.size();
        }
        return n;
    }
}
