package vn.gov.lgsp.connector.tax;

import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.cxf.common.message.CxfConstants;
import org.apache.camel.component.cxf.jaxws.CxfConfigurer;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;
import org.apache.camel.support.DefaultExchange;
import org.apache.cxf.endpoint.Client;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.frontend.AbstractWSDLBasedEndpointFactory;
import org.apache.cxf.transport.http.HTTPConduit;
import org.apache.cxf.transports.http.configuration.HTTPClientPolicy;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.connector.tax.wsdl.GetDeclarationState;
import vn.gov.lgsp.connector.tax.wsdl.GetDeclarationStateResponse;
import vn.gov.lgsp.connector.tax.wsdl.SubmitDeclaration;
import vn.gov.lgsp.connector.tax.wsdl.SubmitDeclarationResponse;
import vn.gov.lgsp.connector.tax.wsdl.TaxOfficePortType;
import vn.gov.lgsp.hub.soap.UsernameToken;

/**
 * SOAP calls to the tax office through camel-cxf (POJO data format, client generated from
 * connectors/tax/contract/tax.wsdl), with a WS-Security UsernameToken and the configured connect and receive timeouts. A fresh exchange per call (no work header becomes an HTTP header); the address is read per call.
 */
@Component
public class TaxOfficeClient extends RouteBuilder {
    public static final String CALL = "direct:tax-office-call";
    private static final String NS = "urn:lgsp:tax:v1";

    private final TaxProperties props;
    private ProducerTemplate producer;

    public TaxOfficeClient(TaxProperties props) {
        this.props = props;
    }

    @Override
    public void configure() {
        CxfEndpoint endpoint = getContext().getEndpoint("cxf://http://tax-office.invalid/land-transfer?serviceClass="
                + TaxOfficePortType.class.getName() + "&dataFormat=POJO&defaultOperationName=SubmitDeclaration"
                + "&defaultOperationNamespace=" + NS, CxfEndpoint.class);
        endpoint.getOutInterceptors().add(new UsernameToken.Client(props::getUsername, props::getPassword));
        endpoint.setCxfConfigurer(new CxfConfigurer() {
            @Override public void configure(AbstractWSDLBasedEndpointFactory factory) {}
            @Override public void configureServer(Server server) {}
            @Override public void configureClient(Client client) {
                HTTPClientPolicy policy = new HTTPClientPolicy();
                policy.setConnectionTimeout(props.getConnectTimeout().toMillis());
                policy.setReceiveTimeout(props.getReceiveTimeout().toMillis());
                ((HTTPConduit) client.getConduit()).setClient(policy);
            }
        });
        from(CALL).routeId("tax-office-call").to(endpoint).id("tax-office-soap");
    }

    public SubmitDeclarationResponse submit(SubmitDeclaration request) throws Exception {
        return call("SubmitDeclaration", request, SubmitDeclarationResponse.class);
    }

    public GetDeclarationStateResponse state(GetDeclarationState request) throws Exception {
        return call("GetDeclarationState", request, GetDeclarationStateResponse.class);
    }

    private <T> T call(String operation, Object request, Class<T> answer) throws Exception {
        if (producer == null) producer = getContext().createProducerTemplate();
        Exchange ex = new DefaultExchange(getContext());
        ex.getMessage().setHeader(CxfConstants.OPERATION_NAME, operation);
        ex.getMessage().setHeader(Exchange.DESTINATION_OVERRIDE_URL, props.getUrl());
        ex.getMessage().setBody(List.of(request));
        producer.send(CALL, ex);
        if (ex.getException() != null) throw ex.getException();
        Object body = ex.getMessage().getBody();
        if (body instanceof List<?> list && !list.isEmpty()) body = list.get(0);
        if (!answer.isInstance(body)) {
            throw new IllegalStateException("tax office answered " + (body == null ? "nothing" : body.getClass().getSimpleName()));
        }
        return answer.cast(body);
    }
}
