package vn.gov.lgsp.hub.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

class InfrastructureFaultsTest {

    @Test
    void anOutageIsInfrastructure() {
        assertThat(InfrastructureFaults.isInfrastructure(new CannotGetJdbcConnectionException("pool exhausted"))).isTrue();
        assertThat(InfrastructureFaults.isInfrastructure(new QueryTimeoutException("slow"))).isTrue();
        assertThat(InfrastructureFaults.isInfrastructure(new RuntimeException("wrapped",
                new SQLException("connection refused", "08001")))).isTrue();
        assertThat(InfrastructureFaults.isDataRefused(new SQLException("connection refused", "08001"))).isFalse();
    }

    @Test
    void dataTheDatabaseRefusesIsTheItemsFaultNotAnOutage() {
        // what PostgreSQL says of a value too long for its column, a NUL in text, a broken constraint
        for (String state : new String[] {"22001", "22021", "23505", "23502"}) {
            SQLException refused = new SQLException("refused", state);
            assertThat(InfrastructureFaults.isDataRefused(refused)).as(state).isTrue();
            assertThat(InfrastructureFaults.isInfrastructure(new RuntimeException("call failed", refused))).as(state).isFalse();
        }
        assertThat(InfrastructureFaults.isInfrastructure(new DataIntegrityViolationException("value too long"))).isFalse();
    }

    @Test
    void partnersFailuresAreNeither() {
        assertThat(InfrastructureFaults.isInfrastructure(new IllegalStateException("HTTP 500"))).isFalse();
        assertThat(InfrastructureFaults.isDataRefused(new IllegalStateException("HTTP 500"))).isFalse();
    }
}
