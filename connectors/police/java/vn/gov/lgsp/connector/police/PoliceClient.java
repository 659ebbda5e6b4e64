package vn.gov.lgsp.connector.police;

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
import vn.gov.lgsp.connector.police.wsdl.GetVerificationResult;
import vn.gov.lgsp.connector.police.wsdl.PoliceIdentityPortType;
import vn.gov.lgsp.connector.police.wsdl.Verification;
import vn.gov.lgsp.connector.police.wsdl.VerifyIdentity;
import vn.gov.lgsp.hub.soap.UsernameToken;

/**
 * SOAP calls to the population database through camel-cxf (POJO data format, client generated from
 * connectors/police/contract/police-identity.wsdl), with a WS-Security UsernameToken and the configured connect and
 * receive timeouts. A fresh exchange per call (no work header becomes an HTTP header); the address is read per call.
 */
@Component
public class PoliceClient extends RouteBuilder {
    public static final String CALL = "direct:police-identity-call";
    private static final String NS = "urn:lgsp:police:identity:v1";

    private final PoliceProperties props;
    private ProducerTemplate producer;

    public PoliceClient(PoliceProperties props) {
        this.props = props;
    }

    @Override
    public void configure() {
        CxfEndpoint endpoint = getContext().getEndpoint("cxf://http://police-identity.invalid/identity?serviceClass="
                + PoliceIdentityPortType.class.getName() + "&dataFormat=POJO&defaultOperationName=VerifyIdentity"
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
        from(CALL).routeId("police-identity-call").to(endpoint).id("police-identity-soap");
    }

    public Verification verify(VerifyIdentity request) throws Exception {
        return call("VerifyIdentity", request);
    }

    public Verification result(String requestId) throws Exception {
        GetVerificationResult r = new GetVerificationResult();
        r.setRequestId(requestId);
        return call("GetVerificationResult", r);
    }

    private Verification call(String operation, Object request) throws Exception {
        if (producer == null) producer = getContext().createProducerTemplate();
        Exchange ex = new DefaultExchange(getContext());
        ex.getMessage().setHeader(CxfConstants.OPERATION_NAME, operation);
        ex.getMessage().setHeader(Exchange.DESTINATION_OVERRIDE_URL, props.getUrl());
        ex.getMessage().setBody(List.of(request));
        producer.send(CALL, ex);
        if (ex.getException() != null) throw ex.getException();
        Object body = ex.getMessage().getBody();
        if (body instanceof List<?> list && !list.isEmpty()) body = list.get(0);
        if (!(body instanceof Verification v)) {
            throw new IllegalStateException("population database answered " + (body == null ? "nothing" : body.getClass().getSimpleName()));
        }
        return v;
    }
}
