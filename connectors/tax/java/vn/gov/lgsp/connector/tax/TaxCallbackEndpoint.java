package vn.gov.lgsp.connector.tax;

import jakarta.jws.WebService;
import vn.gov.lgsp.connector.tax.edxml.ResponseFor;
import vn.gov.lgsp.connector.tax.wsdl.DeliverTaxAnswer;
import vn.gov.lgsp.connector.tax.wsdl.DeliverTaxAnswerResponse;
import vn.gov.lgsp.connector.tax.wsdl.TaxCallbackPortType;
import vn.gov.lgsp.connector.tax.wsdl.TaxFault;
import vn.gov.lgsp.connector.tax.wsdl.TaxFault_Exception;

/**
 * The tax office's answers to the hub, {@code POST /services/tax-callback} (CXF servlet): WS-Security UsernameToken
 * checked first (TaxCallbackConfig), the request validated against tax.wsdl/edxml.xsd by CXF, then {@link TaxAnswers}.
 * Every refusal is a SOAP fault with a TaxFault {Code, Message} naming the reason; the answer to an accepted (or
 * repeated) callback is an edXML Status 01 (received).
 */
@WebService(endpointInterface = "vn.gov.lgsp.connector.tax.wsdl.TaxCallbackPortType", serviceName = "TaxCallbackService",
        portName = "TaxCallbackPort", targetNamespace = "urn:lgsp:tax:v1", wsdlLocation = "classpath:connectors/tax/contract/tax.wsdl")
public class TaxCallbackEndpoint implements TaxCallbackPortType {
    private final TaxAnswers answers;
    private final TaxProperties props;

    public TaxCallbackEndpoint(TaxAnswers answers, TaxProperties props) {
        this.answers = answers;
        this.props = props;
    }

    @Override
    public DeliverTaxAnswerResponse deliverTaxAnswer(DeliverTaxAnswer req) throws TaxFault_Exception {
        TaxAnswers.Outcome outcome;
        try {
            outcome = answers.apply(req.getCallbackId(), req.getNotice(), req.getRejection(), req.getEdXML(), "CALLBACK");
        } catch (TaxAnswers.Refused r) {
            TaxFault f = new TaxFault();
            f.setCode(r.code());
            f.setMessage(r.getMessage());
            throw new TaxFault_Exception(r.code() + ": " + r.getMessage(), f);
        }
        ResponseFor answered = EdXml.responseFor(req.getEdXML());
        DeliverTaxAnswerResponse resp = new DeliverTaxAnswerResponse();
        resp.setStatus(EdXml.status(answered, EdXml.organization(props.getHub().getId(), props.getHub().getName()),
                EdXml.StatusCode.RECEIVED, outcome == TaxAnswers.Outcome.DUPLICATE ? "Đã nhận trước đó (trùng lặp)" : "Đã nhận",
                "Bộ phận một cửa", "LGSP"));
        return resp;
    }
}
