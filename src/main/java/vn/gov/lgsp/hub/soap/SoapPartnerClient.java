package vn.gov.lgsp.hub.soap;

import java.util.List;
import javax.xml.namespace.QName;
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

/**
 * SOAP calls to a partner agency through camel-cxf (POJO data format, the client generated from the partner's WSDL),
 * with a WS-Security {@link UsernameToken} and the configured connect and receive timeouts
 * ({@link SoapPartnerProperties}). A fresh exchange per call (no work header becomes an HTTP header); the address,
 * the credentials and the time-outs are read when used, so they may be set after start.
 */
public abstract class SoapPartnerClient extends RouteBuilder {
    private final String name;
    private final String endpointUri;
    private final String partner;
    private final SoapPartnerProperties props;
    private ProducerTemplate producer;

    /**
     * @param name             the route {@code direct:<name>-call}, with id {@code <name>-call}, to the CXF node {@code <name>-soap}
     * @param placeholder      the endpoint's address in the route; each call goes to the configured one instead
     * @param portType         the service interface generated from the partner's WSDL
     * @param defaultOperation the operation (and its namespace) of an exchange that names none
     * @param partner          the partner as an unexpected answer names it: "tax office answered nothing"
     */
    protected SoapPartnerClient(String name, String placeholder, Class<?> portType, QName defaultOperation, String partner,
                                SoapPartnerProperties props) {
        this.name = name;
        this.endpointUri = "cxf://" + placeholder + "?serviceClass=" + portType.getName() + "&dataFormat=POJO"
                + "&defaultOperationName=" + defaultOperation.getLocalPart()
                + "&defaultOperationNamespace=" + defaultOperation.getNamespaceURI();
        this.partner = partner;
        this.props = props;
    }

    @Override
    public void configure() {
        CxfEndpoint endpoint = getContext().getEndpoint(endpointUri, CxfEndpoint.class);
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
        from(callUri()).routeId(name + "-call").to(endpoint).id(name + "-soap");
    }

    /** Calls {@code operation} at the configured address; the partner's SOAP fault is thrown as its exception. */
    protected <T> T call(String operation, Object request, Class<T> answer) throws Exception {
        Exchange ex = new DefaultExchange(getContext());
        ex.getMessage().setHeader(CxfConstants.OPERATION_NAME, operation);
        ex.getMessage().setHeader(Exchange.DESTINATION_OVERRIDE_URL, props.getUrl());
        ex.getMessage().setBody(List.of(request));
        producer().send(callUri(), ex);
        if (ex.getException() != null) throw ex.getException();
        Object body = ex.getMessage().getBody();
        if (body instanceof List<?> list && !list.isEmpty()) body = list.get(0);
        if (!answer.isInstance(body)) {
            throw new IllegalStateException(partner + " answered " + (body == null ? "nothing" : body.getClass().getSimpleName()));
        }
        return answer.cast(body);
    }

    /** One template for all callers: the shards' threads call at once, and each template holds its own producer cache. */
    private synchronized ProducerTemplate producer() {
        if (producer == null) producer = getContext().createProducerTemplate();
        return producer;
    }

    private String callUri() {
        return "direct:" + name + "-call";
    }
}
