package vn.gov.lgsp.connector.onestop;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.model.DossierUpdate;
import vn.gov.lgsp.hub.work.Delivery;
import vn.gov.lgsp.hub.work.DossierUpdates;
import vn.gov.lgsp.hub.work.PartnerConnector;
import vn.gov.lgsp.hub.work.UpdateContract;
import vn.gov.lgsp.hub.work.WorkBatch;
import vn.gov.lgsp.hub.work.WorkItem;

/**
 * Delivers the one-stop partner's queued work: dossier updates that arose outside partner work (webhooks, polls,
 * relays), published with the same {@link OnestopUpdatePublisher} as the updates of partner work. A redelivery
 * after a crash may publish an update twice with the same updateId, which the one-stop system uses to drop the
 * repeat.
 */
@Component
public class OnestopUpdatesConnector implements PartnerConnector {
    private final OnestopUpdatePublisher publisher;
    private final ObjectMapper json;

    public OnestopUpdatesConnector(OnestopUpdatePublisher publisher, ObjectMapper json) {
        this.publisher = publisher;
        this.json = json;
    }

    @Override
    public String partner() {
        return DossierUpdates.ONESTOP;
    }

    @Override
    public Delivery deliver(WorkItem work, WorkBatch batch) throws Exception {
        // the update contract was checked when the update was made; checked again as the last guard before Kafka
        // (e.g. an update queued by an older version): an invalid one becomes a dead letter
        DossierUpdate update = UpdateContract.check(json.readValue(work.body(), DossierUpdate.class));
        publisher.publish(List.of(update));
        return Delivery.done("published to the one-stop system");
    }
}
