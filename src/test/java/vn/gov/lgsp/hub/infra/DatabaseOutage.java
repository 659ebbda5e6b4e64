package vn.gov.lgsp.hub.infra;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The test hubs' database down, as an operator meets it: PostgreSQL refuses new connections to it and its open ones
 * are cut, until {@link #close()}. Other databases on the same server (the child JVMs' of the cluster drills) are
 * untouched.
 */
public final class DatabaseOutage implements AutoCloseable {
    private final Connection admin;
    private final Statement st;

    private DatabaseOutage(Connection admin) throws SQLException {
        this.admin = admin;
        this.st = admin.createStatement();
        st.execute("ALTER DATABASE postgres ALLOW_CONNECTIONS false");
        try {
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'postgres' AND pid <> pg_backend_pid()");
        } catch (SQLException e) {
            st.execute("ALTER DATABASE postgres ALLOW_CONNECTIONS true");
            throw e;
        }
    }

    public static DatabaseOutage begin() throws SQLException {
        // from another database: PostgreSQL does not let a session disallow connections to its own
        String url = SharedInfrastructure.get().jdbcUrl();
        String other = url.replace("/postgres?", "/template1?").replaceFirst("/postgres$", "/template1");
        Connection admin = DriverManager.getConnection(other, "postgres", "");
        try {
            return new DatabaseOutage(admin);
        } catch (SQLException e) {
            admin.close();
            throw e;
        }
    }

    /** Ends the outage: connections are allowed again. */
    @Override
    public void close() throws SQLException {
        try (admin; st) {
            st.execute("ALTER DATABASE postgres ALLOW_CONNECTIONS true");
        }
    }
}
