package vn.gov.lgsp.hub.work;

import java.util.List;
import vn.gov.lgsp.hub.model.DossierUpdate;

/**
 * Publishes dossier updates to the one-stop system (connectors/onestop implements it on the updates topic).
 * Partner work publishes the updates it produced straight from its batch, before the batch's completions and
 * broker transaction commit: no second queue hop per update. A crash in between redelivers the batch, which then
 * publishes them again under the same updateIds (see PartnerWorker).
 */
public interface UpdatePublisher {
    /**
     * Publishes the updates in order, each as {@code jsonOf} writes it (the JSON the hub already wrote of it); returns
     * once the broker has acknowledged every one, throws if it did not.
     */
    void publish(List<DossierUpdate> updates, java.util.function.Function<DossierUpdate, String> jsonOf);
}
