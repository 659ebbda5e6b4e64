package vn.gov.lgsp.hub.work;

import java.util.List;

/**
 * A dossier update that breaks the update contract (connectors/onestop/contract/dossier-update.schema.json).
 * That is a bug in the hub, not something a retry can fix: the update is never published, and the work that
 * produced it becomes a dead letter (as any {@link PartnerRejectedException}) whose reason names the fields.
 */
public class InvalidUpdateException extends PartnerRejectedException {
    public static final String CODE = "HUB-CONTRACT";

    private final List<String> violations;

    public InvalidUpdateException(String updateType, String updateId, List<String> violations) {
        super(CODE, "update " + updateType + " (" + updateId + ") breaks the update contract: " + String.join("; ", violations));
        this.violations = List.copyOf(violations);
    }

    /** Each violation as "JSON pointer: reason", e.g. "/detail: required property 'custCode' not found". */
    public List<String> violations() {
        return violations;
    }
}
