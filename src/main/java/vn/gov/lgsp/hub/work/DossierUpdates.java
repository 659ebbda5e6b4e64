package vn.gov.lgsp.hub.work;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Collection;
import java.util.List;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.model.DossierUpdate;

/**
 * Dossier updates for the one-stop system travel through the one-stop partner's work queue, so they are
 * durable, retried and kept in order per dossier like any other partner work.
 */
@Component
public class DossierUpdates {
    /** The partner that publishes updates to the one-stop system (connectors/onestop). */
    public static final String ONESTOP = "onestop";
    public static final ZoneId VIETNAM = ZoneId.of("Asia/Ho_Chi_Minh");

    private final PartnerWorkQueues queues;
    private final ObjectMapper json;

    public DossierUpdates(PartnerWorkQueues queues, ObjectMapper json) {
        this.queues = queues;
        this.json = json;
    }

    /** A new update; updateId must be stable for the business fact (e.g. "vnpost:<itemCode>:14"). */
    public static DossierUpdate of(String updateId, String dossierCode, String updateType, String source, JsonNode detail) {
        return new DossierUpdate(updateId, dossierCode, updateType, OffsetDateTime.now(VIETNAM), source, detail);
    }

    /** Queues the updates for the one-stop system (joins the caller's broker transaction if any). */
    public void publish(Collection<DossierUpdate> updates) {
        queues.enqueueAll(updates.stream().map(this::toWork).toList());
    }

    public WorkItem toWork(DossierUpdate u) {
        return WorkItem.first(ONESTOP, "update:" + u.updateId(), u.dossierCode(), u.updateType(), toJson(u));
    }

    public String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public List<DossierUpdate> fromJsonList(String text) {
        try {
            return json.readValue(text, new TypeReference<List<DossierUpdate>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
