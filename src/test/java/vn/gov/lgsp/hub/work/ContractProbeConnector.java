package vn.gov.lgsp.hub.work;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.model.DossierUpdate;

/**
 * A test-only connector for partner "contract-probe" (switched on by the test profile): its work body describes the
 * update to produce ({updateId, dossierCode, updateType, detail}), which it makes with {@link DossierUpdates#of} as
 * every connector does, or, with "bypass": true, with the record's constructor (code that skips the check, for the
 * publish path's last guard).
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
        return Delivery.done("probe").withUpdate(u);
    }
}
