package vn.gov.lgsp.connector.vnpost;

/** VNPost could not answer (5xx, timeout, refused connection, throttling): retried by the hub's work queue. */
public class VnpostUnavailableException extends RuntimeException {
    public VnpostUnavailableException(String message) {
        super(message);
    }

    public VnpostUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
