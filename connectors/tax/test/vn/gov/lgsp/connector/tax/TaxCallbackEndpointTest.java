package vn.gov.lgsp.connector.tax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.LocalDate;
import javax.xml.datatype.DatatypeFactory;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.message.Message;
import org.apache.cxf.message.MessageImpl;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.BadSqlGrammarException;
import vn.gov.lgsp.connector.tax.edxml.EdXML;
import vn.gov.lgsp.connector.tax.wsdl.DeliverTaxAnswer;
import vn.gov.lgsp.connector.tax.wsdl.Notice;
import vn.gov.lgsp.connector.tax.wsdl.Rejection;
import vn.gov.lgsp.connector.tax.wsdl.TaxFault_Exception;

/** What the tax office is told when its callback is refused, or when the hub itself fails; the answer's limits. */
class TaxCallbackEndpointTest {

    private static Fault faultOnTheWayOut(Exception thrownByTheEndpoint) {
        Fault f = new Fault(thrownByTheEndpoint); // as CXF wraps what a service implementation throws: soap:Server
        Message m = new MessageImpl();
        m.setContent(Exception.class, f);
        new TaxCallbackEndpoint.RefusalsAreClientFaults().handleMessage(m);
        return f;
    }

    @Test
    void aRefusalOfTheOfficesInputIsAClientFaultAndTheHubsOwnFailureStaysAServerFault() {
        for (String code : new String[] {"UNKNOWN_DECLARATION", "INVALID_DOCUMENT", "UNSIGNED", "BAD_SIGNATURE", "CONFLICTING_ANSWER"}) {
            assertThat(faultOnTheWayOut(TaxCallbackEndpoint.fault(code, "x")).getFaultCode()).as(code).isEqualTo(Fault.FAULT_CODE_CLIENT);
        }
        assertThat(faultOnTheWayOut(TaxCallbackEndpoint.fault("UNAVAILABLE", "x")).getFaultCode()).isEqualTo(Fault.FAULT_CODE_SERVER);
        assertThat(faultOnTheWayOut(new IllegalStateException("x")).getFaultCode()).isEqualTo(Fault.FAULT_CODE_SERVER);
    }

    @Test
    void aDatabaseFailureIsAnUnavailableFaultSayingTryAgainWithoutTheSql() {
        TaxAnswers failing = new TaxAnswers(null, null, null, null, null, null) {
            @Override
            public Outcome apply(String callbackId, Notice notice, Rejection rejection, EdXML document, String via) {
                throw new BadSqlGrammarException("apply", "UPDATE tax_declaration SET tax_office_code = ?",
                        new SQLException("ERROR: value too long for type character varying(40)"));
            }
        };
        DeliverTaxAnswer req = new DeliverTaxAnswer();
        req.setCallbackId("CB-1");
        assertThatThrownBy(() -> new TaxCallbackEndpoint(failing, new TaxProperties()).deliverTaxAnswer(req))
                .isInstanceOfSatisfying(TaxFault_Exception.class, e -> {
                    assertThat(e.getFaultInfo().getCode()).isEqualTo("UNAVAILABLE");
                    assertThat(e.getFaultInfo().getMessage()).contains("try again");
                    assertThat(e.getMessage() + e.getFaultInfo().getMessage()).doesNotContainIgnoringCase("sql")
                            .doesNotContain("tax_declaration").doesNotContain("varying");
                });
    }

    @Test
    void aDueDateIsReadFromItsFieldsAndYearsOutside1900To9999AreRefused() throws Exception {
        DatatypeFactory f = DatatypeFactory.newInstance();
        assertThat(TaxAnswers.dueDate(f.newXMLGregorianCalendar("2027-01-31"))).isEqualTo(LocalDate.of(2027, 1, 31));
        assertThat(TaxAnswers.dueDate(f.newXMLGregorianCalendar("2027-01-31+07:00"))).isEqualTo(LocalDate.of(2027, 1, 31));
        assertThat(TaxAnswers.dueDate(f.newXMLGregorianCalendar("9999-12-31"))).isEqualTo(LocalDate.of(9999, 12, 31));
        for (String bad : new String[] {"10000-01-01", "1899-12-31", "-0001-01-01", "123456789012-01-01"}) {
            assertThatThrownBy(() -> TaxAnswers.dueDate(f.newXMLGregorianCalendar(bad))).as(bad)
                    .isInstanceOfSatisfying(TaxAnswers.Refused.class, r -> {
                        assertThat(r.code()).isEqualTo("INVALID_DOCUMENT");
                        assertThat(r.getMessage()).contains("DueDate").contains("1900..9999");
                    });
        }
    }

    @Test
    void aValueLongerThanItsColumnIsNamed() {
        assertThat(TaxAnswers.tooLong("TaxOfficeCode", "G".repeat(40), 40)).isNull();
        assertThat(TaxAnswers.tooLong("TaxOfficeCode", "G".repeat(41), 40)).isEqualTo("TaxOfficeCode is longer than 40 characters");
        assertThat(TaxAnswers.tooLong("NoticeNumber", "Đ".repeat(64), 64)).isNull(); // characters, as the column counts them
        assertThat(TaxAnswers.tooLong("NoticeNumber", null, 64)).isNull();
    }
}
