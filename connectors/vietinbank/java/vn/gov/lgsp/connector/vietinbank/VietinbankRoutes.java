package vn.gov.lgsp.connector.vietinbank;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/** The connector's entry point for planned work (routes/fee-assessed.yaml -> hub.work.vietinbank). */
@Component
public class VietinbankRoutes extends RouteBuilder {
    public static final String DELIVER = "direct:vietinbank-deliver";

    private final PaymentRequests requests;

    public VietinbankRoutes(PaymentRequests requests) {
        this.requests = requests;
    }

    @Override
    public void configure() {
        from(DELIVER).routeId("vietinbank-deliver")
                .process(requests::deliver).id("vietinbank-payment-request");
    }
}
