package vn.gov.lgsp.connector.tax;

import jakarta.xml.ws.Endpoint;
import javax.xml.namespace.QName;
import org.apache.cxf.Bus;
import org.apache.cxf.jaxws.EndpointImpl;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import vn.gov.lgsp.hub.soap.UsernameToken;

/** Publishes the tax callback on the CXF servlet (cxf.path, /services by default) at /tax-callback. */
@Configuration(proxyBeanMethods = false)
public class TaxCallbackConfig {
    public static final String PATH = "/tax-callback";

    @Bean
    public Endpoint taxCallbackEndpoint(Bus bus, TaxAnswers answers, TaxProperties props) {
        EndpointImpl endpoint = new EndpointImpl(bus, new TaxCallbackEndpoint(answers, props));
        endpoint.setWsdlLocation("classpath:connectors/tax/contract/tax.wsdl");
        endpoint.setServiceName(new QName("urn:lgsp:tax:v1", "TaxCallbackService"));
        endpoint.setEndpointName(new QName("urn:lgsp:tax:v1", "TaxCallbackPort"));
        // a request that breaks tax.wsdl / edxml.xsd is a SOAP fault naming the violation, before any of the hub's code
        endpoint.getProperties().put("schema-validation-enabled", "IN");
        // the password is read per request (HUB_TAX_CALLBACK_PASSWORD; none configured: every callback is refused)
        endpoint.getInInterceptors().add(new UsernameToken.Server(props::getCallbackUsername, props::getCallbackPassword,
                props.getCallbackMaxSkew()));
        endpoint.getOutFaultInterceptors().add(new TaxCallbackEndpoint.RefusalsAreClientFaults());
        endpoint.publish(PATH);
        return endpoint;
    }
}
