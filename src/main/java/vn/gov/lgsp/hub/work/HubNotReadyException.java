package vn.gov.lgsp.hub.work;

/**
 * The hub cannot act on a fact yet (or any more): Camel and its business routes are not running, so no work can
 * be planned. Whoever brought the fact must not acknowledge it: REST answers 503, the Kafka inbound retries its
 * batch. Distinct from a fact type that has no route, which legitimately plans no work.
 */
public class HubNotReadyException extends IllegalStateException {
    public HubNotReadyException(String message) {
        super(message);
    }
}
