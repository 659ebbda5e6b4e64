package vn.gov.lgsp.hub.web;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.TransactionException;
import vn.gov.lgsp.hub.work.HubNotReadyException;

/**
 * Tells a failure of the hub's own infrastructure (database, broker, routing not running) from everything else,
 * anywhere in a cause chain: the business routes and the connectors wrap what they catch.
 */
public final class Unavailability {
    private Unavailability() {}

    /** What is unavailable ("database", "message broker", "routing"), or null if the failure is not an outage. */
    public static String of(Throwable failure) {
        // the broker first, anywhere in the chain: a JMS transaction that cannot commit is a Spring TransactionException
        // (which would otherwise read as the database) caused by the broker
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HubNotReadyException) return "routing";
            if (t instanceof org.springframework.jms.JmsException || t instanceof jakarta.jms.JMSException
                    || t instanceof jakarta.jms.JMSRuntimeException
                    || t.getClass().getName().startsWith("org.apache.activemq.artemis.api.core.ActiveMQ")) {
                return "message broker";
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TransientDataAccessException || t instanceof DataAccessResourceFailureException
                    || t instanceof RecoverableDataAccessException || t instanceof TransactionException
                    || t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return "database";
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                // 08 connection, 53 insufficient resources, 57 operator intervention (shutdown, statement
                // timeout), 40 serialization failure / deadlock: all worth a retry of the same request
                String cls = sql.getSQLState().length() >= 2 ? sql.getSQLState().substring(0, 2) : "";
                if (cls.equals("08") || cls.equals("53") || cls.equals("57") || cls.equals("40")) return "database";
            }
        }
        return null;
    }
}
