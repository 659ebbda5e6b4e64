package vn.gov.lgsp.connector.sms;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/** The core hands partner "sms" work here (see connectors/README.md). */
@Component
public class SmsRoutes extends RouteBuilder {
    public static final String DELIVER = "direct:sms-deliver";

    private final SmsSender sender;

    public SmsRoutes(SmsSender sender) {
        this.sender = sender;
    }

    @Override
    public void configure() {
        from(DELIVER).routeId("sms-deliver")
                .process(sender::deliver).id("sms-send");
    }
}
