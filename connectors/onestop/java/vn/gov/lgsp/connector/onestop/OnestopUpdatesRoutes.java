package vn.gov.lgsp.connector.onestop;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.model.DossierUpdate;
import vn.gov.lgsp.hub.work.UpdateContract;

/**
 * Delivers the one-stop partner's queued work: dossier updates that arose outside partner work (webhooks, polls,
 * relays), published with the same {@link OnestopUpdatePublisher} as the updates of partner work. A redelivery
 * after a crash may publish an update twice with the same updateId, which the one-stop system uses to drop the
 * repeat.
 */
@Component
public class OnestopUpdatesRoutes extends RouteBuilder {
    public static final String DELIVER = "direct:onestop-deliver";

    private final OnestopUpdatePublisher publisher;
    private final ObjectMapper json;

    public OnestopUpdatesRoutes(OnestopUpdatePublisher publisher, ObjectMapper json) {
        this.publisher = publisher;
        this.json = json;
    }

    @Override
    public void configure() {
        from(DELIVER).routeId("onestop-deliver")
                // the update contract was checked when the update was made; checked again as the last guard before
                // Kafka (e.g. an update queued by an older version): an invalid one becomes a dead letter
                .process(e -> publisher.publish(List.of(UpdateContract.check(
                        json.readValue(e.getMessage().getBody(String.class), DossierUpdate.class)))))
                .id("onestop-publish-update");
    }
}
