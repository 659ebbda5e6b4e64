package vn.gov.lgsp.hub.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import vn.gov.lgsp.hub.model.EventType;

class EventValidatorTest {
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE, false); // as config/application.yml
    private final EventValidator validator;

    EventValidatorTest() throws IOException {
        validator = new EventValidator(json, new ClassPathResource("connectors/onestop/contract/dossier-event.schema.json"));
    }

    private ObjectNode sample() throws IOException {
        return (ObjectNode) json.readTree(new ClassPathResource("connectors/onestop/contract/samples/dossier-received.json").getInputStream());
    }

    @Test
    void theContractSampleIsValidAndMapsToTheCanonicalModel() throws IOException {
        EventValidator.Result r = validator.validate(sample());
        assertThat(r.violations()).isEmpty();
        assertThat(r.event().eventType()).isEqualTo(EventType.DOSSIER_RECEIVED);
        assertThat(r.event().dossier().unpaidFees()).isEqualTo(75_000);
        assertThat(r.event().dossier().applicant().address().oneLine()).contains("Phường Hồng Gai", "Quảng Ninh");
        assertThat(r.event().occurredAt().getOffset().getTotalSeconds()).isEqualTo(7 * 3600);
    }

    @Test
    void everyViolationIsNamed() throws IOException {
        ObjectNode e = sample();
        ObjectNode dossier = (ObjectNode) e.get("dossier");
        dossier.put("code", "000.00.21.H45-261343-0001");      // month 13
        ((ObjectNode) dossier.get("applicant")).put("citizenId", "003190001234"); // no province 003
        ((ObjectNode) dossier.get("applicant")).put("phone", "12345");
        ((ObjectNode) dossier.withArray("fees").get(0)).put("amount", 75000.5); // VND has no decimals
        e.put("occurredAt", "2026-11-23 08:15:30");              // no offset
        EventValidator.Result r = validator.validate(e);
        assertThat(r.valid()).isFalse();
        assertThat(r.violations()).extracting(Violation::field)
                .contains("/dossier/code", "/dossier/applicant/citizenId", "/dossier/applicant/phone", "/dossier/fees/0/amount", "/occurredAt");
    }

    @Test
    void eventTypeSpecificDetailIsRequired() throws IOException {
        ObjectNode e = sample();
        e.put("eventType", "DOSSIER_OVERDUE");
        assertThat(validator.validate(e).violations()).isNotEmpty();
        ((ObjectNode) e.get("detail")).put("reason", "Chờ ý kiến phối hợp").put("newDueAt", "2026-12-10T17:00:00+07:00");
        assertThat(validator.validate(e).violations()).isEmpty();
    }

    @Test
    void garbageIsRejectedNotThrown() {
        assertThat(validator.validate("{not json").violations()).singleElement()
                .satisfies(v -> assertThat(v.message()).startsWith("not valid JSON"));
        assertThat(validator.validate("[1,2]").violations()).isNotEmpty();
        assertThat(validator.validate((String) null).violations()).isNotEmpty();
    }
}
