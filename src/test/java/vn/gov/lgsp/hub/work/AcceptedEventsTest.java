package vn.gov.lgsp.hub.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import vn.gov.lgsp.hub.inbound.EventValidator;
import vn.gov.lgsp.hub.model.DossierEvent;

class AcceptedEventsTest {
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE, false); // as config/application.yml
    private final AcceptedEvents events = new AcceptedEvents(json);

    private String sample(String eventId) throws IOException {
        ObjectNode e = (ObjectNode) json.readTree(new ClassPathResource(
                "connectors/onestop/contract/samples/dossier-received.json").getInputStream());
        return json.writeValueAsString(e.put("eventId", eventId));
    }

    @Test
    void theIntakesParseOfATextIsWhatParsingItAgainGives() throws IOException {
        // the premise of sharing the intake's event: the validator's mapping and a connector's parse agree
        EventValidator validator = new EventValidator(json, new ClassPathResource("connectors/onestop/contract/dossier-event.schema.json"));
        String text = sample("evt-same");
        EventValidator.Result accepted = validator.validate(text);
        assertThat(accepted.violations()).isEmpty();
        assertThat(accepted.event()).isEqualTo(json.readValue(text, DossierEvent.class));
    }

    @Test
    void aRememberedTextGivesTheIntakesEventAndAnyOtherIsParsed() throws IOException {
        String text = sample("evt-remembered");
        DossierEvent intakes = json.readValue(text, DossierEvent.class);
        events.remember(text, intakes);
        assertThat(events.parse(new String(text.toCharArray()))).isSameAs(intakes); // the same text, another String
        DossierEvent other = events.parse(sample("evt-other"));
        assertThat(other).isNotSameAs(intakes);
        assertThat(other.eventId()).isEqualTo("evt-other");
        assertThatThrownBy(() -> events.parse("{not json")).isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void onlyTheLatestEventsAreKept() throws IOException {
        String first = sample("evt-first");
        DossierEvent firstEvent = json.readValue(first, DossierEvent.class);
        events.remember(first, firstEvent);
        String later = null;
        DossierEvent laterEvent = null;
        for (int i = 0; i < AcceptedEvents.CAPACITY; i++) {
            later = sample("evt-" + i);
            laterEvent = json.readValue(later, DossierEvent.class);
            events.remember(later, laterEvent);
        }
        assertThat(events.parse(later)).isSameAs(laterEvent);
        DossierEvent again = events.parse(first);
        assertThat(again).isNotSameAs(firstEvent).isEqualTo(firstEvent); // gone from memory: parsed, to the same event
    }
}
