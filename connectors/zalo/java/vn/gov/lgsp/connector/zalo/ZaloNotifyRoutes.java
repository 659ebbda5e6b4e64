package vn.gov.lgsp.connector.zalo;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/** The core hands partner "zalo" work here (see connectors/README.md). */
@Component
public class ZaloNotifyRoutes extends RouteBuilder {
    public static final String DELIVER = "direct:zalo-deliver";

    private final ZaloNotifier notifier;

    public ZaloNotifyRoutes(ZaloNotifier notifier) {
        this.notifier = notifier;
    }

    @Override
    public void configure() {
        from(DELIVER).routeId("zalo-deliver")
                .process(notifier::deliver).id("zalo-notify");
    }
}
