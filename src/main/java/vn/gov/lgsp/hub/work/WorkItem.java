package vn.gov.lgsp.hub.work;

/**
 * One unit of partner work on a durable queue.
 *
 * @param workId      the business key of this work (eventId:partner, update:updateId, ...): the partner sees at
 *                    most one effective call per workId
 * @param messageType the event or update type, for the audit log and dead letters
 * @param body        JSON: the dossier event, or the dossier update for the one-stop system
 * @param attempt     1 for the first delivery; grows with each broker redelivery
 */
public record WorkItem(String partner, String workId, String dossierCode, String messageType, String body, int attempt) {

    public WorkItem {
        if (partner == null || workId == null || body == null) {
            throw new IllegalArgumentException("partner, workId and body are required");
        }
    }

    public static WorkItem first(String partner, String workId, String dossierCode, String messageType, String body) {
        return new WorkItem(partner, workId, dossierCode, messageType, body, 1);
    }
}
