package vn.gov.lgsp.hub.db;

import java.sql.PreparedStatement;
import java.util.List;
import org.springframework.jdbc.core.PreparedStatementCreator;

/**
 * A batch of rows written as one statement: each column bound as a PostgreSQL array and unnested in SQL
 * ({@code INSERT ... SELECT ... FROM unnest(?::text[], ?::timestamptz[], ...)}). A JDBC batch executes one
 * statement per row, each a round of PostgreSQL's executor; this is one round for the whole batch
 * (bench/PROFILING.md, "A fifth look").
 */
public final class ColumnArrays {
    private ColumnArrays() {}

    /** One column: its SQL element type (text, int4, int8, timestamptz) and a value per row. */
    public record Column(String type, Object[] values) {}

    public static Column column(String type, Object[] values) {
        return new Column(type, values);
    }

    /** The statement with the {@code leading} scalar parameters first, then each column as an array. */
    public static PreparedStatementCreator statement(String sql, List<Object> leading, Column... columns) {
        return con -> {
            PreparedStatement ps = con.prepareStatement(sql);
            int i = 1;
            for (Object value : leading) ps.setObject(i++, value);
            for (Column c : columns) ps.setArray(i++, con.createArrayOf(c.type(), c.values()));
            return ps;
        };
    }
}
