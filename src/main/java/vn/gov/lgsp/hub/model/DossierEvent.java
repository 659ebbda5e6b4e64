package vn.gov.lgsp.hub.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;

/** An event of the one-stop system about one dossier (the canonical inbound message). */
public record DossierEvent(
        String eventId,
        EventType eventType,
        OffsetDateTime occurredAt,
        Dossier dossier,
        JsonNode detail) {

    public String dossierCode() {
        return dossier.code();
    }
}
