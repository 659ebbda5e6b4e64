package vn.gov.lgsp.connector.onestop;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.work.WorkHeaders;

/**
 * Delivers the one-stop partner's work: each dossier update is published to onestop.dossier.updates with the
 * dossier code as key (so one dossier's updates stay in one partition, in order). The producer waits for all
 * in-sync replicas and is idempotent; a redelivery after a crash may publish an update twice with the same
 * updateId, which the one-stop system uses to drop the repeat.
 */
@Component
public class OnestopUpdatesRoutes extends RouteBuilder {
    public static final String DELIVER = "direct:onestop-deliver";

    private final OnestopProperties props;

    public OnestopUpdatesRoutes(OnestopProperties props) {
        this.props = props;
    }

    @Override
    public void configure() {
        from(DELIVER).routeId("onestop-deliver")
                .setHeader(KafkaConstants.KEY, header(WorkHeaders.DOSSIER_CODE))
                .removeHeaders("hub*", WorkHeaders.DOSSIER_CODE)
                .removeHeaders("JMS*")
                .removeHeaders("_AMQ*")
                .to("kafka:" + props.getUpdatesTopic() + "?requestRequiredAcks=all&enableIdempotence=true"
                        + "&keySerializer=org.apache.kafka.common.serialization.StringSerializer"
                        + "&valueSerializer=org.apache.kafka.common.serialization.StringSerializer")
                .id("onestop-publish-update");
    }
}
