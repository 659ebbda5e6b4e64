package vn.gov.lgsp.connector.nationalportal;

import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.console.ConsoleDossierStatus;

/** The portal sync state of a dossier for the operations console: the same answer as GET /api/v1/portal/sync-status?dossier=. */
@Component
public class PortalConsoleStatus implements ConsoleDossierStatus {
    private final PortalSyncController sync;

    public PortalConsoleStatus(PortalSyncController sync) {
        this.sync = sync;
    }

    @Override
    public String partner() {
        return NationalPortalSync.PARTNER;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Optional<Map<String, Object>> status(String dossierCode) {
        var answer = sync.status(dossierCode);
        return answer.getStatusCode().is2xxSuccessful() && answer.getBody() instanceof Map<?, ?> m
                ? Optional.of((Map<String, Object>) m) : Optional.empty();
    }
}
