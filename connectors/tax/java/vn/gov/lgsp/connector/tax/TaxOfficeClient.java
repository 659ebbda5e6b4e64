package vn.gov.lgsp.connector.tax;

import javax.xml.namespace.QName;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.connector.tax.wsdl.GetDeclarationState;
import vn.gov.lgsp.connector.tax.wsdl.GetDeclarationStateResponse;
import vn.gov.lgsp.connector.tax.wsdl.SubmitDeclaration;
import vn.gov.lgsp.connector.tax.wsdl.SubmitDeclarationResponse;
import vn.gov.lgsp.connector.tax.wsdl.TaxOfficePortType;
import vn.gov.lgsp.hub.soap.SoapPartnerClient;

/**
 * SOAP calls to the tax office (client generated from connectors/tax/contract/tax.wsdl), through the route
 * {@code direct:tax-office-call} of {@link SoapPartnerClient}.
 */
@Component
public class TaxOfficeClient extends SoapPartnerClient {
    public TaxOfficeClient(TaxProperties props) {
        super("tax-office", "http://tax-office.invalid/land-transfer", TaxOfficePortType.class,
                new QName("urn:lgsp:tax:v1", "SubmitDeclaration"), "tax office", props);
    }

    public SubmitDeclarationResponse submit(SubmitDeclaration request) throws Exception {
        return call("SubmitDeclaration", request, SubmitDeclarationResponse.class);
    }

    public GetDeclarationStateResponse state(GetDeclarationState request) throws Exception {
        return call("GetDeclarationState", request, GetDeclarationStateResponse.class);
    }
}
