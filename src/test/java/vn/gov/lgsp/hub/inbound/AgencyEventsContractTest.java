package vn.gov.lgsp.hub.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;

/**
 * IDENTITY_CHECK_REQUESTED and TAX_DECLARATION_SUBMITTED in the one-stop contract: what the traffic simulator sends
 * is valid, and an event without what the police or the tax office needs is refused with the field named.
 */
class AgencyEventsContractTest {
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE, false);
    private final EventValidator validator;

    AgencyEventsContractTest() throws IOException {
        validator = new EventValidator(json, new ClassPathResource("connectors/onestop/contract/dossier-event.schema.json"));
    }

    private List<ObjectNode> agencyEvents() {
        DossierEventFactory factory = new DossierEventFactory(11);
        factory.setAgencyShare(1.0);
        List<ObjectNode> events = factory.lifecycle(factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN)));
        return events.stream().filter(e -> List.of("IDENTITY_CHECK_REQUESTED", "TAX_DECLARATION_SUBMITTED")
                .contains(e.get("eventType").asText())).toList();
    }

    @Test
    void theSimulatorsIdentityChecksAndTaxDeclarationsAreValid() {
        List<ObjectNode> events = agencyEvents();
        assertThat(events).extracting(e -> e.get("eventType").asText())
                .containsExactly("IDENTITY_CHECK_REQUESTED", "TAX_DECLARATION_SUBMITTED");
        for (ObjectNode e : events) assertThat(validator.validate(e.toString()).violations()).as(e.toString()).isEmpty();
    }

    @Test
    void withoutADateOfBirthOrAParcelTheEventIsRefusedNamingTheField() {
        ObjectNode check = agencyEvents().get(0);
        ((ObjectNode) check.get("detail")).remove("dateOfBirth");
        assertThat(validator.validate(check.toString()).violations().toString()).contains("dateOfBirth");

        ObjectNode tax = agencyEvents().get(1);
        ((ObjectNode) tax.get("detail")).remove("parcel");
        ((ObjectNode) tax.get("detail")).put("declaredValue", 12.5);
        String violations = validator.validate(tax.toString()).violations().toString();
        assertThat(violations).contains("parcel").contains("declaredValue");
    }

    @Test
    void withoutTheShareTheLifecycleHasNoAgencyEvents() {
        DossierEventFactory factory = new DossierEventFactory(11);
        assertThat(factory.lifecycle(factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN))))
                .noneMatch(e -> e.get("eventType").asText().startsWith("IDENTITY") || e.get("eventType").asText().startsWith("TAX"));
    }
}
