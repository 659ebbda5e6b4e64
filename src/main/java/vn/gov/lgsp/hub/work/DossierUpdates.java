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
    private final BusinessRoutes routes;
    private final ObjectMapper json;

    public DossierUpdates(PartnerWorkQueues queues, BusinessRoutes routes, ObjectMapper json) {
        this.queues = queues;
        this.routes = routes;
        this.json = json;
    }

    /** A new update; updateId must be stable for the business fact (e.g. "vnpost:<itemCode>:14"). */
    public static DossierUpdate of(String updateId, String dossierCode, String updateType, String source, JsonNode detail) {
        return new DossierUpdate(updateId, dossierCode, updateType, OffsetDateTime.now(VIETNAM), source, detail);
    }

    /**
     * Queues the updates for the one-stop system, and for any partner that routes/*.yaml names for the update
     * type (e.g. PAYMENT_REQUESTED -> the citizen is told by Zalo), joining the caller's broker transaction if any.
     */
    public void publish(Collection<DossierUpdate> updates) {
        List<WorkItem> work = new java.util.ArrayList<>();
        for (DossierUpdate u : updates) {
            String body = toJson(u);
            work.add(WorkItem.first(ONESTOP, "update:" + u.updateId(), u.dossierCode(), u.updateType(), body));
            for (String partner : routes.plan(BusinessRoutes.updateEntry(u.updateType()), u,
                    java.util.Map.of("updateType", u.updateType(), "dossierCode", u.dossierCode(), "source", u.source()))) {
                if (!partner.equals(ONESTOP) && !partner.equals(u.source())) {
                    work.add(WorkItem.first(partner, "update:" + u.updateId() + ":" + partner, u.dossierCode(), u.updateType(), body));
                }
            }
        }
        queues.enqueueAll(work);
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
