package vn.gov.lgsp.hub.model;

/** The one-stop system's event types (contract: connectors/onestop/contract/dossier-event.schema.json). */
public enum EventType {
    DOSSIER_RECEIVED,
    PICKUP_REQUESTED,
    STATUS_CHANGED,
    SUPPLEMENT_REQUESTED,
    FEE_ASSESSED,
    RESULT_READY,
    RESULT_RETURNED,
    DOSSIER_OVERDUE,
    DOSSIER_WITHDRAWN,
    IDENTITY_CHECK_REQUESTED,
    TAX_DECLARATION_SUBMITTED
}
