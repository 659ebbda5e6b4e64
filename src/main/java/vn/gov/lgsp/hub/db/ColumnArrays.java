package vn.gov.lgsp.hub.db;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.Oid;
import org.postgresql.jdbc.PgArray;
import org.springframework.jdbc.core.PreparedStatementCreator;

/**
 * A batch of rows written as one statement: each column bound as a PostgreSQL array and unnested in SQL
 * ({@code INSERT ... SELECT ... FROM unnest(?::text[], ?::timestamptz[], ...)}). A JDBC batch executes one
 * statement per row, each a round of PostgreSQL's executor; this is one round for the whole batch
 * (bench/PROFILING.md, "A fifth look").
 *
 * <p>A text column is sent in PostgreSQL's binary array format, built here at its exact size ({@link #textArray}):
 * the driver's own encoder grows its buffer by doubling and copies it once more at the end, a sixth of what the hub
 * allocated flat out, most of it on the audit writer's thread, which every caller waits for (bench/PROFILING.md,
 * "A thirty-first look"). A text value may come already encoded as UTF-8 ({@code byte[]}), as the audit log's masked
 * payloads do: their digest needed those bytes on the caller's thread anyway.
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
            for (Column c : columns) ps.setArray(i++, array(con, c));
            return ps;
        };
    }

    private static Array array(Connection con, Column c) throws SQLException {
        if ("text".equals(c.type())) return new PgArray(con.unwrap(BaseConnection.class), Oid.TEXT_ARRAY, textArray(c.values()));
        return con.createArrayOf(c.type(), c.values());
    }

    /**
     * A one-dimensional text[] in PostgreSQL's binary format (array_recv): dimensions, a has-nulls flag, the element
     * type, the length and lower bound, then each element as its length (-1 for null) and its UTF-8 bytes. Each
     * element is a String, a {@code byte[]} holding its UTF-8 already, or null.
     */
    static byte[] textArray(Object[] values) {
        int n = values.length;
        byte[][] utf8 = new byte[n][];
        boolean nulls = false;
        int size = n == 0 ? 12 : 20 + 4 * n;
        for (int i = 0; i < n; i++) {
            Object v = values[i];
            if (v == null) {
                nulls = true;
                continue;
            }
            utf8[i] = v instanceof byte[] b ? b : v.toString().getBytes(StandardCharsets.UTF_8);
            size += utf8[i].length;
        }
        byte[] out = new byte[size];
        int at = putInt(out, 0, n == 0 ? 0 : 1);
        at = putInt(out, at, nulls ? 1 : 0);
        at = putInt(out, at, Oid.TEXT);
        if (n == 0) return out;
        at = putInt(out, at, n);
        at = putInt(out, at, 1);
        for (byte[] element : utf8) {
            if (element == null) {
                at = putInt(out, at, -1);
                continue;
            }
            at = putInt(out, at, element.length);
            System.arraycopy(element, 0, out, at, element.length);
            at += element.length;
        }
        return out;
    }

    private static int putInt(byte[] out, int at, int value) {
        out[at] = (byte) (value >>> 24);
        out[at + 1] = (byte) (value >>> 16);
        out[at + 2] = (byte) (value >>> 8);
        out[at + 3] = (byte) value;
        return at + 4;
    }
}
