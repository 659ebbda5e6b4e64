package vn.gov.lgsp.hub.work;

/**
 * Headers of work messages on the partners' durable queues (JMS properties). Connectors never read them: the worker
 * hands a connector the {@link WorkItem} they describe ({@link PartnerConnector}).
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
    /** On work re-queued behind earlier work of its dossier: the work it waits for. */
    public static final String WAITING_FOR = "hubWaitingFor";
    /** Artemis scheduled delivery (epoch millis): how the hub's backoff is carried by the broker. */
    public static final String SCHEDULED_DELIVERY = "_AMQ_SCHED_DELIVERY";
}
