package vn.gov.lgsp.connector.tax;

import jakarta.jws.WebService;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.gov.lgsp.connector.tax.edxml.ResponseFor;
import vn.gov.lgsp.connector.tax.wsdl.DeliverTaxAnswer;
import vn.gov.lgsp.connector.tax.wsdl.DeliverTaxAnswerResponse;
import vn.gov.lgsp.connector.tax.wsdl.TaxCallbackPortType;
import vn.gov.lgsp.connector.tax.wsdl.TaxFault;
import vn.gov.lgsp.connector.tax.wsdl.TaxFault_Exception;

/**
 * The tax office's answers to the hub, {@code POST /services/tax-callback} (CXF servlet): WS-Security UsernameToken
 * checked first (TaxCallbackConfig), the request validated against tax.wsdl/edxml.xsd by CXF, then {@link TaxAnswers}.
 * Every refusal is a soap:Client fault with a TaxFault {Code, Message} naming the reason; a failure of the hub itself
 * is a soap:Server fault UNAVAILABLE ("try again") that tells nothing of the hub's internals. The answer to an
 * accepted (or repeated) callback is an edXML Status 01 (received).
 */
@WebService(endpointInterface = "vn.gov.lgsp.connector.tax.wsdl.TaxCallbackPortType", serviceName = "TaxCallbackService",
        portName = "TaxCallbackPort", targetNamespace = "urn:lgsp:tax:v1", wsdlLocation = "classpath:connectors/tax/contract/tax.wsdl")
public class TaxCallbackEndpoint implements TaxCallbackPortType {
    private static final Logger log = LoggerFactory.getLogger(TaxCallbackEndpoint.class);
    /** The one code that is the hub's failure, not a refusal of the office's input: it stays a soap:Server fault. */
    public static final String UNAVAILABLE = "UNAVAILABLE";

    private final TaxAnswers answers;
    private final TaxProperties props;

    public TaxCallbackEndpoint(TaxAnswers answers, TaxProperties props) {
        this.answers = answers;
        this.props = props;
    }

    @Override
    public DeliverTaxAnswerResponse deliverTaxAnswer(DeliverTaxAnswer req) throws TaxFault_Exception {
        try {
            TaxAnswers.Outcome outcome = answers.apply(req.getCallbackId(), req.getNotice(), req.getRejection(), req.getEdXML(), "CALLBACK");
            ResponseFor answered = EdXml.responseFor(req.getEdXML());
            DeliverTaxAnswerResponse resp = new DeliverTaxAnswerResponse();
            resp.setStatus(EdXml.status(answered, EdXml.organization(props.getHub().getId(), props.getHub().getName()),
                    EdXml.StatusCode.RECEIVED, outcome == TaxAnswers.Outcome.DUPLICATE ? "Đã nhận trước đó (trùng lặp)" : "Đã nhận",
                    "Bộ phận một cửa", "LGSP"));
            return resp;
        } catch (TaxAnswers.Refused r) {
            throw fault(r.code(), r.getMessage());
        } catch (RuntimeException e) {
            // the database down, or a bug: the office may send the answer again; the exception's text (SQL, class
            // names) stays in the hub's log, never in the fault
            log.error("tax callback {} could not be processed", req.getCallbackId(), e);
            throw fault(UNAVAILABLE, "the hub cannot record the answer now; try again later");
        }
    }

    static TaxFault_Exception fault(String code, String message) {
        TaxFault f = new TaxFault();
        f.setCode(code);
        f.setMessage(message);
        return new TaxFault_Exception(code + ": " + message, f);
    }

    /**
     * CXF marks every fault a service implementation throws as soap:Server; a refusal of the office's input (any
     * declared TaxFault but UNAVAILABLE) is the sender's fault, so the office knows sending it again will not help.
     */
    public static final class RefusalsAreClientFaults extends AbstractPhaseInterceptor<Message> {
        public RefusalsAreClientFaults() {
            super(Phase.PRE_LOGICAL);
        }

        @Override
        public void handleMessage(Message message) {
            if (message.getContent(Exception.class) instanceof Fault f && f.getCause() instanceof TaxFault_Exception t
                    && (t.getFaultInfo() == null || !UNAVAILABLE.equals(t.getFaultInfo().getCode()))) {
                f.setFaultCode(Fault.FAULT_CODE_CLIENT);
            }
        }
    }
}
