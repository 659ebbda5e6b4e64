package vn.gov.lgsp.hub.work;

/**
 * One unit of partner work on a durable queue.
 *
 * @param workId      the business key of this work (eventId:partner, update:updateId, ...): the partner sees at
 *                    most one effective call per workId
 * @param messageType the event or update type, for the audit log and dead letters
 * @param body        JSON: the dossier event, or the dossier update for the one-stop system
 * @param attempt     1 for the first delivery; grows with each retry the partner's own failure of this item causes
 *                    (an outage of the partner does not count)
 * @param seq         the hub's sequence of the dossier event the work comes from (the order the hub accepted it);
 *                    0 for work that does not come from an event (updates, re-syncs, fallbacks)
 */
public record WorkItem(String partner, String workId, String dossierCode, String messageType, String body, int attempt, long seq) {

    public WorkItem {
        if (partner == null || workId == null || body == null) {
            throw new IllegalArgumentException("partner, workId and body are required");
        }
    }

    public WorkItem(String partner, String workId, String dossierCode, String messageType, String body, int attempt) {
        this(partner, workId, dossierCode, messageType, body, attempt, 0L);
    }

    public static WorkItem first(String partner, String workId, String dossierCode, String messageType, String body) {
        return new WorkItem(partner, workId, dossierCode, messageType, body, 1, 0L);
    }

    public WorkItem withSeq(long seq) {
        return new WorkItem(partner, workId, dossierCode, messageType, body, attempt, seq);
    }

    public WorkItem withAttempt(int attempt) {
        return new WorkItem(partner, workId, dossierCode, messageType, body, attempt, seq);
    }
}
