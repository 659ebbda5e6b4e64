package vn.gov.lgsp.hub.work;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.model.DossierUpdate;

/**
 * A test-only connector for partner "contract-probe" (switched on by the test profile): its work body describes the
 * update to produce ({updateId, dossierCode, updateType, detail}), which it makes with {@link DossierUpdates#of} as
 * every connector does, or, with "bypass": true, with the record's constructor (code that skips the check, for the
 * publish path's last guard). With "heldRecording": true its delivery carries a record of what the partner accepted
 * whose write the test holds ({@link #HELD_RECORDINGS}).
 */
@Component
@ConditionalOnProperty(name = "hub.queues.partners.contract-probe.enabled", havingValue = "true")
public class ContractProbeConnector implements PartnerConnector {
    public static final String PARTNER = "contract-probe";

    private final ObjectMapper json;

    public ContractProbeConnector(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public String partner() {
        return PARTNER;
    }

    @Override
    public Delivery deliver(WorkItem work, WorkBatch batch) throws Exception {
        JsonNode b = json.readTree(work.body());
        DossierUpdate u = b.path("bypass").asBoolean()
                ? new DossierUpdate(b.path("updateId").asText(), b.path("dossierCode").asText(), b.path("updateType").asText(),
                        OffsetDateTime.now(DossierUpdates.VIETNAM), PARTNER, b.get("detail"))
                : DossierUpdates.of(b.path("updateId").asText(), b.path("dossierCode").asText(), b.path("updateType").asText(),
                        PARTNER, b.get("detail"));
        Delivery done = Delivery.done("probe").withUpdate(u);
        if (!b.path("heldRecording").asBoolean()) return done;
        // a record of what the "partner" accepted that the test decides the fate of: its first write answers when
        // the test completes HELD_RECORDINGS' future (or fails it); a write made again answers at once
        AtomicInteger writes = RECORDING_WRITES.computeIfAbsent(work.workId(), k -> new AtomicInteger());
        CompletableFuture<Void> held = HELD_RECORDINGS.computeIfAbsent(work.workId(), k -> new CompletableFuture<>());
        return done.withRecording(AfterPartnerCall.begin("probe record of " + work.workId(),
                () -> writes.incrementAndGet() == 1 ? held : CompletableFuture.completedFuture(null)));
    }

    /** Per workId: the first write of its held recording, completed by the test. */
    public static final Map<String, CompletableFuture<Void>> HELD_RECORDINGS = new ConcurrentHashMap<>();
    /** Per workId: how often its held recording was written. */
    public static final Map<String, AtomicInteger> RECORDING_WRITES = new ConcurrentHashMap<>();
}
