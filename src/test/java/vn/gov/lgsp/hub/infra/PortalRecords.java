package vn.gov.lgsp.hub.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import vn.gov.lgsp.connector.nationalportal.simulator.PortalSimulator;

/** What the portal simulator accepted, as the tests that kill, stop or fail over hubs while work flows check it. */
public final class PortalRecords {
    /** A dossier's status once its result is returned: the last of its lifecycle (DossierEventFactory's RESULT_RETURNED). */
    public static final int FINAL_STATUS = 10;

    private PortalRecords() {
    }

    /** Waits until each of these dossiers is at the portal with its final status: all their work done. */
    public static void awaitFinalStatus(PortalSimulator portal, Collection<String> codes, Duration atMost) {
        await().atMost(atMost).untilAsserted(() -> {
            for (String code : codes) {
                PortalSimulator.PortalDossier d = portal.dossier(code);
                assertThat(d).as(code).isNotNull();
                assertThat(d.status).as(code).isEqualTo(FINAL_STATUS);
            }
        });
    }

    /** Records the portal accepted, of every dossier. */
    public static int totalReceived(PortalSimulator portal) {
        return portal.dossiers().values().stream().mapToInt(d -> d.received.size()).sum();
    }

    /**
     * How often the portal accepted each record, by its business key (dossier, time, status): more than once when a
     * call was repeated (in flight at a kill, its completion lost).
     */
    public static Map<String, Long> timesReceived(PortalSimulator portal) {
        Map<String, Long> times = new HashMap<>();
        portal.dossiers().forEach((code, d) -> d.received.forEach(r -> times.merge(
                code + "/" + r.get("NgayCapNhat").asText() + "/" + r.get("TrangThaiHoSo").asText(), 1L, Long::sum)));
        return times;
    }

    /** The records accepted more than once, counted once per repeat. */
    public static long repeats(Map<String, Long> timesReceived) {
        return timesReceived.values().stream().mapToLong(n -> n - 1).sum();
    }
}
