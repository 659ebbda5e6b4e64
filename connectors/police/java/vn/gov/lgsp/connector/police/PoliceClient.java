package vn.gov.lgsp.connector.police;

import javax.xml.namespace.QName;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.connector.police.wsdl.GetVerificationResult;
import vn.gov.lgsp.connector.police.wsdl.PoliceIdentityPortType;
import vn.gov.lgsp.connector.police.wsdl.Verification;
import vn.gov.lgsp.connector.police.wsdl.VerifyIdentity;
import vn.gov.lgsp.hub.soap.SoapPartnerClient;

/**
 * SOAP calls to the population database (client generated from connectors/police/contract/police-identity.wsdl),
 * through the route {@code direct:police-identity-call} of {@link SoapPartnerClient}.
 */
@Component
public class PoliceClient extends SoapPartnerClient {
    public PoliceClient(PoliceProperties props) {
        super("police-identity", "http://police-identity.invalid/identity", PoliceIdentityPortType.class,
                new QName("urn:lgsp:police:identity:v1", "VerifyIdentity"), "population database", props);
    }

    public Verification verify(VerifyIdentity request) throws Exception {
        return call("VerifyIdentity", request, Verification.class);
    }

    public Verification result(String requestId) throws Exception {
        GetVerificationResult r = new GetVerificationResult();
        r.setRequestId(requestId);
        return call("GetVerificationResult", r, Verification.class);
    }
}
