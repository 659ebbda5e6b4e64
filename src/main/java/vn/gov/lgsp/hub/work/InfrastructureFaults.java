package vn.gov.lgsp.hub.work;

/**
 * Tells a failure of the hub's own infrastructure (PostgreSQL, the Artemis broker, Kafka) from a partner's. A partner
 * call that fails because the hub could not read or write its own records is not the partner's fault: it must not
 * open the partner's circuit, use up an attempt or dead-letter the work. The batch rolls back and the broker
 * delivers it again once the infrastructure is back.
 */
public final class InfrastructureFaults {
    private InfrastructureFaults() {}

    private static final String[] INFRASTRUCTURE = {
            "org.springframework.dao.DataAccessException",
            "org.springframework.transaction.TransactionException",
            "java.sql.SQLException",
            "jakarta.jms.JMSException",
            "jakarta.jms.JMSRuntimeException",
            "org.springframework.jms.JmsException",
            "org.apache.kafka.common.KafkaException",
            "vn.gov.lgsp.hub.work.InfrastructureFaults$Unavailable",
    };

    /**
     * True when {@code t} or one of its causes is a database, broker or Kafka failure. Not when the database refused
     * the item's own data (a value too long for its column, a NUL, a broken constraint: SQLSTATE classes 22 and 23):
     * no retry mends that, and taken for an outage the item would be delivered again for ever, holding its shard.
     */
    public static boolean isInfrastructure(Throwable t) {
        if (isDataRefused(t)) return false;
        for (int depth = 0; t != null && depth < 20; t = t.getCause(), depth++) {
            for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
                for (String name : INFRASTRUCTURE) {
                    if (c.getName().equals(name)) return true;
                }
            }
        }
        return false;
    }

    /** True when the database refused the item's own data (SQLSTATE classes 22 and 23): not an outage, not the partner's. */
    public static boolean isDataRefused(Throwable t) {
        for (int depth = 0; t != null && depth < 20; t = t.getCause(), depth++) {
            if (t instanceof org.springframework.dao.DataIntegrityViolationException) return true;
            if (t instanceof java.sql.SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("22") || s.getSQLState().startsWith("23"))) return true;
        }
        return false;
    }

    /** The hub's own infrastructure failed while working a batch: the batch is rolled back and comes again. */
    public static final class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
