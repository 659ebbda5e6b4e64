package vn.gov.lgsp.hub.work;

/**
 * Headers of work messages, and the exchange properties a connector's deliver route may set.
 * A connector implements {@code direct:<partner>-deliver}: it receives the work body (JSON) with these headers,
 * calls its partner, and either returns normally, throws {@link PartnerRejectedException} (not retried) or
 * throws anything else (retried).
 */
public final class WorkHeaders {
    private WorkHeaders() {}

    public static final String WORK_ID = "hubWorkId";
    public static final String PARTNER = "hubPartner";
    public static final String DOSSIER_CODE = "hubDossierCode";
    public static final String MESSAGE_TYPE = "hubMessageType";
    public static final String ATTEMPT = "hubAttempt";
    public static final String LAST_ERROR = "hubLastError";
    public static final String REPLAY_OF = "hubReplayOf";
    /** The hub's per-dossier sequence of the event the work comes from ({@link WorkItem#seq}); absent when 0. */
    public static final String SEQ = "hubSeq";
    /** On work queued by the intake: the eventId whose inbox record and audit record must exist before it runs. */
    public static final String EVENT_ID = "hubEventId";
    /** How often the worker found no inbox record yet for the work's event (the intake may still be committing). */
    public static final String INBOX_CHECKS = "hubInboxChecks";
    /** On work re-queued behind earlier work of its dossier: the work it waits for. */
    public static final String WAITING_FOR = "hubWaitingFor";
    /** Artemis scheduled delivery (epoch millis): how the hub's backoff is carried by the broker. */
    public static final String SCHEDULED_DELIVERY = "_AMQ_SCHED_DELIVERY";

    /** Exchange property: List&lt;DossierUpdate&gt; the partner's answer produced, sent on to the one-stop system. */
    public static final String UPDATES = "hubUpdates";
    /** Exchange property: the payload as sent on the wire (audited, masked), when it differs from the work body. */
    public static final String AUDIT_PAYLOAD = "hubAuditPayload";
    /** Exchange property: a short note for the audit record (partner reference, order code, ...). */
    public static final String AUDIT_DETAIL = "hubAuditDetail";
    /**
     * Exchange property: List&lt;WorkItem&gt; for other partners that this work leads to (e.g. an SMS when Zalo cannot
     * reach the citizen). Queued by the worker in the batch's broker transaction, so a connector never sends work
     * itself and its calls can run in parallel.
     */
    public static final String FOLLOW_UP_WORK = "hubFollowUpWork";
    /** Exchange property: the {@link WorkBatch} the work was taken in (what a connector may read once per batch). */
    public static final String BATCH = "hubBatch";
    /** Exchange property: true when the connector decided there was nothing to send (audited as SKIPPED). */
    public static final String SKIPPED = "hubSkipped";

    public static String deliverUri(String partner) {
        return "direct:" + partner + "-deliver";
    }
}
