package vn.gov.lgsp.connector.vnpost;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.cluster.SingletonJobs;
import vn.gov.lgsp.hub.work.WorkHeaders;

/**
 * The VNPost connector's Camel entry points: the core's work consumer calls {@link #DELIVER}; a timer drives the
 * tracking poller, one instance of the cluster at a time (a lock row per round, {@link SingletonJobs}). Failures are not handled here: the core's PartnerWorker decides retry or dead letter.
 */
@Component
public class VnpostRoutes extends RouteBuilder {
    public static final String DELIVER = WorkHeaders.deliverUri("vnpost");
    public static final String POLL_ROUTE = "vnpost-poll";

    private final VnpostDeliverer deliverer;
    private final VnpostStatusPoller poller;
    private final VnpostProperties props;
    private final SingletonJobs.Runner singleton;

    public VnpostRoutes(VnpostDeliverer deliverer, VnpostStatusPoller poller, VnpostProperties props, SingletonJobs.Runner singleton) {
        this.deliverer = deliverer;
        this.poller = poller;
        this.props = props;
        this.singleton = singleton;
    }

    @Override
    public void configure() {
        from(DELIVER).routeId("vnpost-deliver")
                // the exception goes back to the core's PartnerWorker, which logs and decides; Camel's default
                // handler would only add a full stack trace per failed call during an outage
                .errorHandler(noErrorHandler())
                .process(deliverer::deliver).id("vnpost-call");

        if (props.getPoll().isEnabled()) {
            long period = props.getPoll().getInterval().toMillis();
            from("timer:" + POLL_ROUTE + "?period=" + period + "&delay=" + Math.min(period, 10_000))
                    .routeId(POLL_ROUTE)
                    .process(e -> singleton.runAlone(POLL_ROUTE, poller::pollOnce)).id("vnpost-get-status-history");
        }
    }
}
