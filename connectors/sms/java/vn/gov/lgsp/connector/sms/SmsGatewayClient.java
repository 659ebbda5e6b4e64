package vn.gov.lgsp.connector.sms;

import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.cxf.common.message.CxfConstants;
import org.apache.camel.support.DefaultExchange;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.connector.sms.wsdl.SendSms;
import vn.gov.lgsp.connector.sms.wsdl.SendSmsResponse;
import vn.gov.lgsp.connector.sms.wsdl.SmsGatewayPortType;

/**
 * The SOAP call to the SMS gateway through camel-cxf (POJO data format, client generated from
 * connectors/sms/contract/sms-gateway.wsdl). A fresh exchange per call so no work-queue header becomes an HTTP
 * header; the gateway address is read from {@link SmsProperties} at call time (destination override).
 */
@Component
public class SmsGatewayClient extends RouteBuilder {
    public static final String SEND = "direct:sms-gateway-send";

    private final SmsProperties props;
    private ProducerTemplate producer;

    public SmsGatewayClient(SmsProperties props) {
        this.props = props;
    }

    @Override
    public void configure() {
        StringBuilder uri = new StringBuilder("cxf://http://sms-gateway.invalid/sms-gateway?serviceClass=")
                .append(SmsGatewayPortType.class.getName())
                .append("&dataFormat=POJO&defaultOperationName=SendSms&defaultOperationNamespace=urn:lgsp:sms:gateway:v1");
        if (props.getUsername() != null && !props.getUsername().isBlank()) {
            uri.append("&username=RAW(").append(props.getUsername()).append(")&password=RAW(").append(props.getPassword()).append(")");
        }
        from(SEND).routeId("sms-gateway-send")
                .to(uri.toString()).id("sms-gateway-soap");
    }

    public SendSmsResponse send(SendSms request) {
        if (producer == null) producer = getContext().createProducerTemplate();
        Exchange ex = new DefaultExchange(getContext());
        ex.getMessage().setHeader(CxfConstants.OPERATION_NAME, "SendSms");
        ex.getMessage().setHeader(Exchange.DESTINATION_OVERRIDE_URL, props.getGatewayUrl());
        ex.getMessage().setBody(List.of(request));
        producer.send(SEND, ex);
        if (ex.getException() != null) {
            throw new IllegalStateException("SMS gateway call failed: " + ex.getException().getMessage(), ex.getException());
        }
        Object body = ex.getMessage().getBody();
        if (body instanceof List<?> list && !list.isEmpty()) body = list.get(0);
        if (!(body instanceof SendSmsResponse r)) {
            throw new IllegalStateException("SMS gateway answered " + (body == null ? "nothing" : body.getClass().getSimpleName()));
        }
        return r;
    }
}
