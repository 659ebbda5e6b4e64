package vn.gov.lgsp.hub.satisfaction;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.work.DossierUpdates;

/**
 * Satisfaction for operators, over the dossiers whose result reached the citizen between two dates (by the month
 * of that return): per procedure, agency and month, the dossiers returned, the ratings, average stars, the share
 * satisfied (4-5 stars) and the share of returned dossiers rated; and the low ratings (1-2 stars) with their
 * reasons and masked comments.
 */
@Component
public class SatisfactionReport {
    private final JdbcTemplate jdbc;
    private final SatisfactionProperties props;

    public SatisfactionReport(JdbcTemplate jdbc, SatisfactionProperties props) {
        this.jdbc = jdbc;
        this.props = props;
    }

    /** Counts of one group; the shares and the average are derived. */
    public static final class Stats {
        long returned;
        long ratings;
        long starSum;
        final long[] stars = new long[6];

        void add(Stats o) {
            returned += o.returned;
            ratings += o.ratings;
            starSum += o.starSum;
            for (int i = 1; i <= 5; i++) stars[i] += o.stars[i];
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("returned", returned);
            m.put("ratings", ratings);
            m.put("shareRated", share(ratings, returned));
            m.put("averageStars", ratings == 0 ? null : BigDecimal.valueOf(starSum).divide(BigDecimal.valueOf(ratings), 2, RoundingMode.HALF_UP));
            m.put("satisfied", stars[4] + stars[5]);
            m.put("shareSatisfied", share(stars[4] + stars[5], ratings));
            Map<String, Long> s = new LinkedHashMap<>();
            for (int i = 1; i <= 5; i++) s.put(Integer.toString(i), stars[i]);
            m.put("stars", s);
            return m;
        }

        private static BigDecimal share(long part, long whole) {
            return whole == 0 ? null : BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), 4, RoundingMode.HALF_UP);
        }
    }

    private record Group(String month, String procedureCode, String procedureName, String agencyCode, String agencyName, Stats stats) {}

    /** @param to inclusive */
    public Map<String, Object> report(LocalDate from, LocalDate to, String procedure, String agency) {
        Timestamp start = Timestamp.from(from.atStartOfDay(DossierUpdates.VIETNAM).toInstant());
        Timestamp end = Timestamp.from(to.plusDays(1).atStartOfDay(DossierUpdates.VIETNAM).toInstant());
        String filter = " WHERE i.returned_at >= ? AND i.returned_at < ?"
                + (procedure == null ? "" : " AND i.procedure_code = ?") + (agency == null ? "" : " AND i.agency_code = ?");
        List<Object> args = new ArrayList<>(List.of(start, end));
        if (procedure != null) args.add(procedure);
        if (agency != null) args.add(agency);

        List<Group> groups = jdbc.query("SELECT to_char(i.returned_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM') AS month,"
                + " i.procedure_code, max(i.procedure_name), i.agency_code, max(i.agency_name), count(*), count(r.dossier_code),"
                + " coalesce(sum(r.stars), 0), count(*) FILTER (WHERE r.stars = 1), count(*) FILTER (WHERE r.stars = 2),"
                + " count(*) FILTER (WHERE r.stars = 3), count(*) FILTER (WHERE r.stars = 4), count(*) FILTER (WHERE r.stars = 5)"
                + " FROM rating_invitation i LEFT JOIN citizen_rating r ON r.dossier_code = i.dossier_code" + filter
                + " GROUP BY 1, i.procedure_code, i.agency_code ORDER BY 1, 2, 4", (rs, n) -> {
                    Stats s = new Stats();
                    s.returned = rs.getLong(6);
                    s.ratings = rs.getLong(7);
                    s.starSum = rs.getLong(8);
                    for (int i = 1; i <= 5; i++) s.stars[i] = rs.getLong(8 + i);
                    return new Group(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), s);
                }, args.toArray());

        Stats total = new Stats();
        groups.forEach(g -> total.add(g.stats()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", from.toString());
        out.put("to", to.toString());
        out.put("procedure", procedure);
        out.put("agency", agency);
        out.put("total", total.json());
        out.put("byMonth", rollUp(groups, Group::month, g -> Map.of("month", g.month())));
        out.put("byProcedure", rollUp(groups, g -> String.valueOf(g.procedureCode()), g -> names("procedureCode", g.procedureCode(), "procedureName", g.procedureName())));
        out.put("byAgency", rollUp(groups, g -> String.valueOf(g.agencyCode()), g -> names("agencyCode", g.agencyCode(), "agencyName", g.agencyName())));
        List<Map<String, Object>> finest = new ArrayList<>();
        for (Group g : groups) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("month", g.month());
            m.putAll(names("procedureCode", g.procedureCode(), "procedureName", g.procedureName()));
            m.putAll(names("agencyCode", g.agencyCode(), "agencyName", g.agencyName()));
            m.putAll(g.stats().json());
            finest.add(m);
        }
        out.put("groups", finest);

        int limit = props.getLowRatingsLimit();
        List<Object> lowArgs = new ArrayList<>(args);
        lowArgs.add(limit + 1);
        List<Map<String, Object>> low = jdbc.query("SELECT i.dossier_code, i.procedure_code, i.procedure_name, i.agency_code,"
                + " i.agency_name, r.stars, r.reasons, r.comment_masked, r.channel, r.submitted_at"
                + " FROM rating_invitation i JOIN citizen_rating r ON r.dossier_code = i.dossier_code" + filter
                + " AND r.stars <= 2 ORDER BY r.submitted_at DESC, i.dossier_code LIMIT ?", (rs, n) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("dossierCode", rs.getString(1));
                    m.putAll(names("procedureCode", rs.getString(2), "procedureName", rs.getString(3)));
                    m.putAll(names("agencyCode", rs.getString(4), "agencyName", rs.getString(5)));
                    m.put("stars", rs.getInt(6));
                    java.sql.Array reasons = rs.getArray(7);
                    m.put("reasons", reasons == null ? List.of() : Arrays.asList((String[]) reasons.getArray()));
                    m.put("comment", rs.getString(8));
                    m.put("channel", rs.getString(9));
                    m.put("ratedAt", OffsetDateTime.ofInstant(rs.getTimestamp(10).toInstant(), DossierUpdates.VIETNAM).toString());
                    return m;
                }, lowArgs.toArray());
        out.put("lowRatingsTruncated", low.size() > limit);
        out.put("lowRatings", low.size() > limit ? low.subList(0, limit) : low);
        return out;
    }

    private static Map<String, Object> names(String codeKey, String code, String nameKey, String name) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(codeKey, code);
        m.put(nameKey, name);
        return m;
    }

    private static List<Map<String, Object>> rollUp(List<Group> groups, Function<Group, String> key, Function<Group, Map<String, Object>> label) {
        Map<String, Stats> stats = new TreeMap<>();
        Map<String, Map<String, Object>> labels = new TreeMap<>();
        for (Group g : groups) {
            String k = key.apply(g);
            stats.computeIfAbsent(k, x -> new Stats()).add(g.stats());
            labels.putIfAbsent(k, label.apply(g));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        stats.forEach((k, s) -> {
            Map<String, Object> m = new LinkedHashMap<>(labels.get(k));
            m.putAll(s.json());
            out.add(m);
        });
        return out;
    }
}
