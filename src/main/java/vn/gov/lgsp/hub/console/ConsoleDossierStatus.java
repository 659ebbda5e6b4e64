package vn.gov.lgsp.hub.console;

import java.util.Map;
import java.util.Optional;

/**
 * What a connector can tell the console about one dossier (e.g. the national portal's sync state), shown on the
 * dossier page. Implemented by connectors, so the console (core) needs none of their classes.
 */
public interface ConsoleDossierStatus {
    /** The partner the status is about, e.g. "national-portal". */
    String partner();

    /** The status of the dossier at that partner; empty when the partner knows nothing of it. */
    Optional<Map<String, Object>> status(String dossierCode);
}
