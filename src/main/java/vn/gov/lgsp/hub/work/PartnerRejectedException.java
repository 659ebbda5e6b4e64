package vn.gov.lgsp.hub.work;

/**
 * The partner understood the request and refused it (invalid address, validation error, ...).
 * Retrying cannot help: the work goes straight to the dead letters with this message, for an operator to fix.
 */
public class PartnerRejectedException extends RuntimeException {
    private final String partnerCode;

    public PartnerRejectedException(String partnerCode, String message) {
        super(message);
        this.partnerCode = partnerCode;
    }

    /** The partner's own error code, if it gave one. */
    public String partnerCode() {
        return partnerCode;
    }
}
