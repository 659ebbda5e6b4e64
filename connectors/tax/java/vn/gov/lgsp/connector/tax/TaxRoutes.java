package vn.gov.lgsp.connector.tax;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/** The core hands partner "tax" work here (routes/tax-declaration-submitted.yaml -> hub.work.tax). */
@Component
public class TaxRoutes extends RouteBuilder {
    public static final String DELIVER = "direct:tax-deliver";

    private final TaxDeclarations declarations;

    public TaxRoutes(TaxDeclarations declarations) {
        this.declarations = declarations;
    }

    @Override
    public void configure() {
        from(DELIVER).routeId("tax-deliver")
                .process(declarations::deliver).id("tax-submit-declaration");
    }
}
