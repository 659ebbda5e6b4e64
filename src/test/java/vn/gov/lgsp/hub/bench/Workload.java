package vn.gov.lgsp.hub.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;

/**
 * The events a phase publishes, made before the clock starts so that building JSON is not measured.
 * Each dossier contributes its DOSSIER_RECEIVED (portal sync + Zalo notification) and its first STATUS_CHANGED
 * (portal sync + progress): every event costs exactly two partner HTTP calls and yields one or two updates.
 */
final class Workload {
    /**
     * One event as published: Kafka key, JSON text, and how many dossier updates signal that it is done (0: not
     * followed one by one; its phase ends when the hub has drained, see {@link #lifecycles}).
     */
    record Event(String eventId, String dossierCode, String type, String json, ObjectNode tree, int expectedUpdates) {}

    private final DossierEventFactory factory;
    private final java.util.Set<String> usedCodes = new java.util.HashSet<>();

    /**
     * The share of lifecycles that also ask the police for an identity check and, as often again, send a land-transfer
     * tax declaration (-Dbench.agency-share, 0.2). The factory draws these from a random of their own, so the other
     * events (and {@link #make}'s, which keeps only receipts and first steps) come out the same whatever the share.
     */
    static final double AGENCY_SHARE = Double.parseDouble(System.getProperty("bench.agency-share", "0.2"));

    Workload(long seed) {
        this.factory = new DossierEventFactory(seed);
        this.factory.setAgencyShare(AGENCY_SHARE);
    }

    /**
     * {@code n} events made 1,500 at a time as they are read, in order (read once, front to back): a long run's
     * driver then holds one chunk, not all of them, and the heap it measures is the hub's.
     */
    List<Event> stream(int n) {
        return new java.util.AbstractList<>() {
            private List<Event> chunk = List.of();
            private int chunkStart;

            @Override
            public Event get(int i) {
                if (i < chunkStart || i >= chunkStart + chunk.size()) {
                    chunkStart = i;
                    chunk = make(Math.min(1_500, n - i));
                }
                return chunk.get(i - chunkStart);
            }

            @Override
            public int size() {
                return n;
            }
        };
    }

    /**
     * {@code n} events of whole dossier lifecycles, each dossier's in order: receipt, home pickup (online dossiers),
     * processing steps, supplement requests, fees, delays, result ready (by post for a third of them), result
     * returned. Every connector gets its share: the portal, Zalo (SMS for the phones the simulator has no Zalo
     * account for), VNPost orders, VietinBank payment requests and the citizen messages that follow them, identity
     * checks at the police and tax declarations at the tax office ({@link #AGENCY_SHARE}). An event's
     * work fans out into partner work and follow-up updates whose number depends on the dossier, so these events
     * are not followed one by one: the phase ends when the hub has drained (nothing left on Kafka or its queues).
     */
    List<Event> lifecycles(int n) {
        List<Event> events = new ArrayList<>(n);
        OffsetDateTime now = OffsetDateTime.now(DossierEventFactory.VN).minusDays(1);
        while (events.size() < n) {
            for (ObjectNode e : factory.lifecycle(newDossier(now))) {
                if (events.size() == n) break;
                events.add(new Event(e.get("eventId").asText(), e.path("dossier").path("code").asText(), e.get("eventType").asText(),
                        e.toString(), e, 0));
            }
        }
        return events;
    }

    /**
     * A dossier whose code no earlier event of the run used: the short receipt-code form has 10,000 numbers a day, a
     * long run would reuse codes, and the hub rightly treats a reused code's events as the same dossier (stale,
     * already notified): not what is measured here.
     */
    private ObjectNode newDossier(OffsetDateTime now) {
        while (true) {
            ObjectNode dossier = factory.newDossier(now);
            if (usedCodes.add(dossier.get("code").asText())) return dossier;
        }
    }

    List<Event> make(int n) {
        List<Event> events = new ArrayList<>(n);
        OffsetDateTime now = OffsetDateTime.now(DossierEventFactory.VN).minusDays(1);
        while (events.size() < n) {
            // its phone one the simulators serve (DossierEventFactory): each event is exactly a portal sync and a ZNS
            ObjectNode dossier = newDossier(now);
            List<ObjectNode> life = factory.lifecycle(dossier);
            for (ObjectNode e : life) {
                String type = e.get("eventType").asText();
                boolean wanted = type.equals("DOSSIER_RECEIVED") || type.equals("STATUS_CHANGED");
                if (!wanted) continue;
                events.add(new Event(e.get("eventId").asText(), e.path("dossier").path("code").asText(), type, e.toString(), e,
                        type.equals("DOSSIER_RECEIVED") ? 2 : 1));
                if (type.equals("STATUS_CHANGED") || events.size() == n) break; // the first step is enough
            }
        }
        return events;
    }
}
