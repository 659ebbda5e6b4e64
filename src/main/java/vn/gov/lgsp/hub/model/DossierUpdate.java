package vn.gov.lgsp.hub.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;

/**
 * An update the hub sends back to the one-stop system (topic onestop.dossier.updates, key = dossier code).
 *
 * @param updateId stable per business fact, so a consumer can drop a repeated update
 * @param source   the partner the update comes from (vnpost, vietinbank, national-portal, hub, ...)
 */
public record DossierUpdate(
        String updateId,
        String dossierCode,
        String updateType,
        OffsetDateTime occurredAt,
        String source,
        JsonNode detail) {
}
