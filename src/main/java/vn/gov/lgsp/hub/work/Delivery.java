package vn.gov.lgsp.hub.work;

import java.util.ArrayList;
import java.util.List;
import vn.gov.lgsp.hub.model.DossierUpdate;

/**
 * What a completed piece of partner work came to, as a connector hands it back to the core ({@link PartnerConnector}).
 *
 * @param skipped     true when there was nothing to send (audited as SKIPPED, without a payload)
 * @param detail      a short note for the audit record: the partner's reference, an order code, why it was skipped
 * @param wirePayload what went on the wire (audited, masked), when it differs from the work's body; null otherwise
 * @param updates     dossier updates for the one-stop system, published by the core (and checked against the contract)
 * @param followUp    work for other partners that this work leads to (an SMS when Zalo cannot reach the citizen),
 *                    queued by the core in the batch's broker transaction
 * @param recording   the connector's record of what the partner accepted, begun as the partner answered
 *                    ({@link AfterPartnerCall#begin}); the core waits for it to be durable before the work's
 *                    completion commits, while the updates are published; null when there is none
 */
public record Delivery(boolean skipped, String detail, String wirePayload, List<DossierUpdate> updates, List<WorkItem> followUp,
                       AfterPartnerCall.Recording recording) {

    public Delivery {
        updates = updates == null ? List.of() : List.copyOf(updates);
        followUp = followUp == null ? List.of() : List.copyOf(followUp);
    }

    /** The partner was called (or had already accepted this work): {@code detail} says what it answered. */
    public static Delivery done(String detail) {
        return new Delivery(false, detail, null, List.of(), List.of(), null);
    }

    /** Nothing was sent, for the reason given. */
    public static Delivery skipped(String why) {
        return new Delivery(true, why, null, List.of(), List.of(), null);
    }

    /** The same, with {@code payload} as what went on the wire. */
    public Delivery withPayload(String payload) {
        return new Delivery(skipped, detail, payload, updates, followUp, recording);
    }

    /** The same, with these updates added. */
    public Delivery withUpdates(List<DossierUpdate> more) {
        List<DossierUpdate> all = new ArrayList<>(updates);
        all.addAll(more);
        return new Delivery(skipped, detail, wirePayload, all, followUp, recording);
    }

    public Delivery withUpdate(DossierUpdate update) {
        return withUpdates(List.of(update));
    }

    /** The same, with this follow-up work added. */
    public Delivery withFollowUp(WorkItem work) {
        List<WorkItem> all = new ArrayList<>(followUp);
        all.add(work);
        return new Delivery(skipped, detail, wirePayload, updates, all, recording);
    }

    /** The same, with the record of what the partner accepted that the work's completion must wait for. */
    public Delivery withRecording(AfterPartnerCall.Recording recording) {
        return new Delivery(skipped, detail, wirePayload, updates, followUp, recording);
    }
}
