package vn.gov.lgsp.hub.db;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.gov.lgsp.hub.db.ColumnArrays.column;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import vn.gov.lgsp.hub.infra.ChildJvm;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;

/**
 * The text columns {@link ColumnArrays} builds in PostgreSQL's binary array format arrive as they were given: every
 * value in place, nulls as nulls, Vietnamese and characters outside the basic plane intact, values given as UTF-8
 * bytes the same as strings, an empty column as an empty array.
 */
class ColumnArraysIT {
    private JdbcTemplate jdbc;

    @BeforeEach
    void database() throws Exception {
        String url = ChildJvm.newDatabase(SharedInfrastructure.get(), "columnarrays" + UUID.randomUUID().toString().substring(0, 8));
        jdbc = new JdbcTemplate(new DriverManagerDataSource(url, "postgres", ""));
    }

    private List<List<Object>> unnest(ColumnArrays.Column... columns) {
        StringBuilder sql = new StringBuilder("SELECT * FROM unnest(");
        for (int i = 0; i < columns.length; i++) sql.append(i == 0 ? "" : ", ").append("?::").append(columns[i].type()).append("[]");
        sql.append(") WITH ORDINALITY AS r ORDER BY ordinality");
        List<List<Object>> rows = new ArrayList<>();
        jdbc.query(ColumnArrays.statement(sql.toString(), List.of(), columns), rs -> {
            List<Object> row = new ArrayList<>();
            for (int c = 1; c <= columns.length; c++) row.add(rs.getObject(c));
            rows.add(row);
        });
        return rows;
    }

    @Test
    void textValuesArriveAsGivenWhetherStringsOrTheirUtf8() {
        String vietnamese = "Nguyễn Thị Hồng Nhung, số 12 đường Trần Hưng Đạo, phường Đông Kinh";
        String quotesAndCommas = "{\"a\":\"b, c\",\"d\":[1,2]} \\ NULL";
        String outsideBmp = "ký tự 𠀋 và 😀";
        Object[] texts = {vietnamese, null, quotesAndCommas, "", outsideBmp.getBytes(StandardCharsets.UTF_8), "NULL"};
        Object[] numbers = {1L, 2L, null, 4L, 5L, 6L};

        List<List<Object>> rows = unnest(column("text", texts), column("int8", numbers));

        assertThat(rows).hasSize(6);
        assertThat(rows.stream().map(r -> r.get(0)).toList())
                .containsExactly(vietnamese, null, quotesAndCommas, "", outsideBmp, "NULL");
        assertThat(rows.stream().map(r -> r.get(1)).toList()).containsExactly(1L, 2L, null, 4L, 5L, 6L);
    }

    @Test
    void anEmptyColumnIsAnEmptyArray() {
        assertThat(unnest(column("text", new Object[0]))).isEmpty();
        Integer length = jdbc.query(ColumnArrays.statement("SELECT cardinality(?::text[])", List.of(), column("text", new String[0])),
                rs -> rs.next() ? rs.getInt(1) : null);
        assertThat(length).isZero();
    }

    @Test
    void manyLargeValuesInOneArray() {
        String[] values = new String[500];
        for (int i = 0; i < values.length; i++) {
            char[] filler = new char[1000 + i];
            Arrays.fill(filler, i % 2 == 0 ? 'ả' : 'x');
            values[i] = i + ":" + new String(filler);
        }
        List<List<Object>> rows = unnest(column("text", values));
        assertThat(rows.stream().map(r -> r.get(0)).toList()).containsExactly((Object[]) values);
    }
}
