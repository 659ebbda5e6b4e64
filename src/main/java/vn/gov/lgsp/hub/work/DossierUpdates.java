package vn.gov.lgsp.hub.work;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Collection;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.model.DossierUpdate;

/**
 * Dossier updates for the one-stop system, and the partner work they lead to (routes/update-*.yaml).
 * <ul>
 *   <li>From partner work ({@link #publishFromWork}): published to the one-stop system directly by the
 *       {@link UpdatePublisher}, inside the work batch (see there);</li>
 *   <li>from anywhere else (webhooks, polls, relays: {@link #publish}): through the one-stop partner's work queue,
 *       so they are durable, retried and kept in order per dossier like any other partner work.</li>
 * </ul>
 */
@Component
public class DossierUpdates {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DossierUpdates.class);
    /** The partner that publishes updates to the one-stop system (connectors/onestop). */
    public static final String ONESTOP = "onestop";
    public static final ZoneId VIETNAM = ZoneId.of("Asia/Ho_Chi_Minh");

    private final PartnerWorkQueues queues;
    private final BusinessRoutes routes;
    private final ObjectMapper json;
    private final ObjectProvider<UpdatePublisher> publisher;
    /** The publisher once looked up (empty: no one-stop connector installed); not a bean factory look-up per batch. */
    private volatile java.util.Optional<UpdatePublisher> direct;

    public DossierUpdates(PartnerWorkQueues queues, BusinessRoutes routes, ObjectMapper json, ObjectProvider<UpdatePublisher> publisher) {
        this.queues = queues;
        this.routes = routes;
        this.json = json;
        this.publisher = publisher;
    }

    /**
     * A new update; updateId must be stable for the business fact (e.g. "vnpost:<itemCode>:14").
     *
     * @throws InvalidUpdateException when it breaks the update contract ({@link UpdateContract}): inside partner
     *         work that makes the work a dead letter whose reason names the field, and nothing is published
     */
    public static DossierUpdate of(String updateId, String dossierCode, String updateType, String source, JsonNode detail) {
        return UpdateContract.check(new DossierUpdate(updateId, dossierCode, updateType, OffsetDateTime.now(VIETNAM), source, detail));
    }

    /**
     * Queues the updates for the one-stop system, and for any partner that routes/*.yaml names for the update
     * type (e.g. PAYMENT_REQUESTED -> the citizen is told by Zalo), joining the caller's broker transaction if any.
     */
    public void publish(Collection<DossierUpdate> updates) {
        publish(updates, java.util.Map.of());
    }

    private void publish(Collection<DossierUpdate> updates, java.util.Map<DossierUpdate, String> written) {
        UpdateContract.checkAll(updates); // none is queued if one breaks the contract: the caller's transaction fails
        queues.enqueueAll(work(updates, true, written));
    }

    /**
     * From inside a partner's work batch, before its group commit: the updates go to the one-stop system now
     * (returns when acknowledged), the partner work they lead to joins the batch's broker transaction. Without
     * a publisher (no one-stop connector installed) they take the queue like any other update.
     *
     * <p>The last guard of the update contract: connectors make their updates with {@link #of}, which already
     * refuses an invalid one (the work becomes a dead letter). An update that got here another way and breaks the
     * contract is not published, and is removed from {@code updates} so the caller does not audit it as published;
     * it is logged as an error. (Throwing here would roll the batch back and redeliver it forever.)
     *
     * @param written the JSON of updates already written (the others are written here)
     * @return true when they were published (the caller audits them), false when they were queued
     */
    public boolean publishFromWork(List<DossierUpdate> updates, java.util.Map<DossierUpdate, String> written) {
        updates.removeIf(u -> {
            List<String> violations = UpdateContract.violationsUnlessChecked(u);
            if (violations.isEmpty()) return false;
            log.error("update {} {} of dossier {} from {} breaks the update contract and is not published: {}",
                    u.updateType(), u.updateId(), u.dossierCode(), u.source(), violations);
            return true;
        });
        if (updates.isEmpty()) return false;
        if (this.direct == null) this.direct = java.util.Optional.ofNullable(publisher.getIfAvailable());
        UpdatePublisher direct = this.direct.orElse(null);
        if (direct == null) {
            publish(updates, written);
            return false;
        }
        direct.publish(updates, u -> jsonOf(u, written));
        queues.enqueueAll(work(updates, false, written));
        return true;
    }

    private List<WorkItem> work(Collection<DossierUpdate> updates, boolean forOnestop, java.util.Map<DossierUpdate, String> written) {
        List<WorkItem> work = new java.util.ArrayList<>();
        for (DossierUpdate u : updates) {
            String body = null;
            if (forOnestop) work.add(WorkItem.first(ONESTOP, "update:" + u.updateId(), u.dossierCode(), u.updateType(), body = jsonOf(u, written)));
            for (String partner : routes.plan(BusinessRoutes.updateEntry(u.updateType()), u,
                    java.util.Map.of("updateType", u.updateType(), "dossierCode", u.dossierCode(), "source", u.source()))) {
                if (!partner.equals(ONESTOP) && !partner.equals(u.source())) {
                    if (body == null) body = jsonOf(u, written);
                    work.add(WorkItem.first(partner, "update:" + u.updateId() + ":" + partner, u.dossierCode(), u.updateType(), body));
                }
            }
        }
        return work;
    }

    /**
     * The updates as a JSON list, exactly as the mapper writes one ("[a,b]"), made from each update's own JSON, which
     * is kept in {@code written} for what is done with the update next (published, audited).
     */
    public String toJsonList(List<DossierUpdate> updates, java.util.Map<DossierUpdate, String> written) {
        java.util.StringJoiner list = new java.util.StringJoiner(",", "[", "]");
        for (DossierUpdate u : updates) {
            String json = toJson(u);
            written.put(u, json);
            list.add(json);
        }
        return list.toString();
    }

    /** The update's JSON as already written, or written now. */
    public String jsonOf(DossierUpdate update, java.util.Map<DossierUpdate, String> written) {
        String json = written.get(update);
        return json != null ? json : toJson(update);
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
