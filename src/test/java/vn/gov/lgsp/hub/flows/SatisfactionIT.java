package vn.gov.lgsp.hub.flows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import vn.gov.lgsp.connector.nationalportal.simulator.PortalSimulator;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;
import vn.gov.lgsp.connector.sms.simulator.SimulatedClockInstaller;
import vn.gov.lgsp.connector.sms.simulator.SmsGatewaySimulator;
import vn.gov.lgsp.connector.zalo.simulator.ZaloSimulator;
import vn.gov.lgsp.hub.infra.EmbeddedInfrastructure;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;
import vn.gov.lgsp.hub.infra.SharedInfrastructure;
import vn.gov.lgsp.hub.infra.TestPhones;
import vn.gov.lgsp.hub.infra.TestTokens;
import vn.gov.lgsp.hub.infra.TopicRecorder;
import vn.gov.lgsp.hub.work.DossierUpdates;

/**
 * Citizen satisfaction end to end on real infrastructure: RESULT_RETURNED events in, one rating invitation per dossier
 * (ZNS service rating where the phone has Zalo, SMS with the rating page's link where it has not: the Zalo simulator
 * answers -118 for phones ending 118), the simulated citizens' ratings back (signed user_feedback webhooks, the page's
 * form over HTTP), some twice, forged ones beside them -> exactly one CITIZEN_RATED update per rating on
 * onestop.dossier.updates, forwarded to the portal, and the operators' aggregates matching what was sent.
 */
@HubIntegrationTest
class SatisfactionIT {
    private static final Random RANDOM = new Random();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern LINK = Pattern.compile("https?://\\S+?/rate/([A-Za-z0-9]{22})");
    private static final String RATING_TEMPLATE = "301009";

    @Autowired TestRestTemplate http;
    @Autowired JdbcTemplate jdbc;
    @Autowired ZaloSimulator zalo;
    @Autowired SmsGatewaySimulator sms;
    @Autowired PortalSimulator portal;
    @Autowired DossierUpdates updatesBean;

    private final TopicRecorder updates = TopicRecorder.of(SharedInfrastructure.get().kafkaBootstrap(), EmbeddedInfrastructure.UPDATES_TOPIC);
    private final DossierEventFactory factory = new DossierEventFactory(RANDOM.nextLong());
    /** Agencies of this run only: the aggregates are asked for them, apart from other tests' dossiers. */
    private final String agencyA = randomCode() + ".SA1";
    private final String agencyB = randomCode() + ".SB2";

    /** What one citizen is made to do, and what the hub must make of it. */
    record Citizen(String code, String phone, String name, String agency, String procedure, boolean zalo,
                   int stars, List<String> reasons, String comment, int times) {
        boolean rates() { return stars > 0; }
        String phone84() { return "84" + phone.substring(1); }
    }

    @AfterEach
    void citizensStopRating() {
        zalo.setRatingPolicy((phone, tracking) -> null);
        sms.setPagePolicy((phone, token) -> null);
    }

    @Test
    void twoHundredReturnedDossiersGetOneInvitationEachAndTheirRatingsBecomeUpdatesOnce() {
        List<Citizen> citizens = new ArrayList<>();
        // 150 with Zalo (90 rate, 10 of them twice), 50 without (30 open the link and rate, 5 of them submit twice)
        for (int i = 0; i < 200; i++) {
            boolean withZalo = i < 150;
            int rank = withZalo ? i : i - 150;
            boolean rates = withZalo ? rank < 90 : rank < 30;
            int stars = rates ? 1 + rank % 5 : 0;
            String name = "Trần Thị " + List.of("Lan", "Huệ", "Mai", "Hồng").get(i % 4) + " " + (char) ('A' + i % 26);
            List<String> reasons = stars == 0 ? List.of() : stars <= 2 ? List.of("Trả kết quả trễ hẹn", "Thái độ cán bộ chưa tốt")
                    : stars >= 4 ? List.of("Trả kết quả đúng hẹn") : List.of();
            String phone = phone(withZalo ? "555" : "118");
            // low ratings say who they are, the way citizens do: the hub must not keep it
            String comment = stars > 0 && stars <= 2 ? "Tôi là " + name + ", gọi " + phone + " hoặc CCCD 022190001234 giúp" : null;
            int times = rates && rank % 9 == 0 ? 2 : 1;
            citizens.add(new Citizen(code(), phone, name, i % 2 == 0 ? agencyA : agencyB, i % 3 == 0 ? "1.000001" : "2.000002",
                    withZalo, stars, reasons, comment, times));
        }
        Map<String, Citizen> byPhone84 = citizens.stream().collect(Collectors.toMap(Citizen::phone84, c -> c));
        zalo.setRatingPolicy((phone, tracking) -> {
            Citizen c = byPhone84.get(phone);
            return c == null || !c.rates() ? null : new ZaloSimulator.RatingChoice(c.stars(), c.reasons(), c.comment(), c.times());
        });
        sms.setPagePolicy((phone, token) -> {
            Citizen c = byPhone84.get(phone);
            return c == null || !c.rates() ? null : new SmsGatewaySimulator.PageChoice(c.stars(), c.reasons(), c.comment(), c.times());
        });
        long ratingsExpected = citizens.stream().filter(Citizen::rates).count();
        assertThat(ratingsExpected).isEqualTo(120);

        for (Citizen c : citizens) returned(c);

        // one invitation each: the ZNS rating template to every phone (the no-Zalo ones answered -118), an SMS with the
        // page's link to the phones without Zalo, never twice
        await().atMost(WAIT).until(() -> citizens.stream().allMatch(c -> !c.zalo() ? smsLinks(c).size() == 1 : ratingZns(c).size() == 1));
        for (Citizen c : citizens) {
            assertThat(ratingZns(c)).as("rating ZNS to " + c.code()).hasSize(1);
            assertThat(smsLinks(c)).as("rating SMS to " + c.code()).hasSize(c.zalo() ? 0 : 1);
        }
        JsonNode zns = ratingZns(citizens.get(0)).get(0);
        assertThat(zns.path("template_data").path("receipt_code").asText()).isEqualTo(citizens.get(0).code());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM rating_invitation WHERE dossier_code = ANY (?)", Integer.class,
                (Object) codes(citizens))).isEqualTo(200);

        // forgeries beside the real ratings, on dossiers whose citizens never rate (an accepted one would show as an update)
        List<Citizen> silentZalo = citizens.stream().filter(c -> c.zalo() && !c.rates()).limit(10).toList();
        for (Citizen c : silentZalo) {
            String tracking = ratingZns(c).get(0).path("tracking_id").asText();
            String forged = zalo.feedbackEvent(c.phone84(), "forged" + UUID.randomUUID().toString().replace("-", ""), tracking, 1, List.of(), "giả mạo");
            assertThat(zalo.sendWebhook(forged, false)).isEqualTo(401);
        }
        // signed, but for a message the hub never sent: recorded as unknown, nothing else
        assertThat(zalo.sendWebhook(zalo.feedbackEvent("84912000555", "m" + UUID.randomUUID().toString().replace("-", ""),
                UUID.randomUUID().toString(), 5, List.of(), null), true)).isEqualTo(200);
        List<Citizen> silentSms = citizens.stream().filter(c -> !c.zalo() && !c.rates()).limit(5).toList();
        for (Citizen c : silentSms) {
            String token = smsLinks(c).get(0);
            String wrong = token.substring(0, 21) + (token.charAt(21) == 'a' ? 'b' : 'a');
            assertThat(postForm(wrong, 1, List.of(), "giả").getStatusCode().value()).isEqualTo(404);
            assertThat(http.getForEntity("/rate/" + wrong, String.class).getStatusCode().value()).isEqualTo(404);
        }
        assertThat(postForm("x".repeat(22), 1, List.of(), null).getStatusCode().value()).isEqualTo(404);

        // exactly one CITIZEN_RATED per rating, and it stays so (the second taps and forms, the forgeries: nothing)
        Set<String> mine = Set.of(codes(citizens));
        await().atMost(WAIT).until(() -> rated(mine).size() == ratingsExpected);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> rated(mine).size() == ratingsExpected);
        List<JsonNode> rated = rated(mine);
        assertThat(rated.stream().map(u -> u.path("updateId").asText()).distinct()).hasSize(120);
        Map<String, JsonNode> ratedByDossier = rated.stream().collect(Collectors.toMap(u -> u.path("dossierCode").asText(), u -> u));
        for (Citizen c : citizens) {
            JsonNode u = ratedByDossier.get(c.code());
            if (!c.rates()) {
                assertThat(u).as("no rating for " + c.code()).isNull();
                continue;
            }
            assertThat(u).as("rating of " + c.code()).isNotNull();
            JsonNode d = u.path("detail");
            assertThat(d.path("stars").asInt()).isEqualTo(c.stars());
            assertThat(d.path("satisfied").asBoolean()).isEqualTo(c.stars() >= 4);
            assertThat(d.path("channel").asText()).isEqualTo(c.zalo() ? "ZALO" : "WEB");
            assertThat(u.path("source").asText()).isEqualTo(c.zalo() ? "zalo" : "hub");
            List<String> reasons = new ArrayList<>();
            d.path("reasons").forEach(r -> reasons.add(r.asText()));
            assertThat(reasons).isEqualTo(c.reasons());
            if (c.comment() != null) {
                String comment = d.path("comment").asText();
                assertThat(comment).contains("Tôi là ***").doesNotContain(c.name()).doesNotContain(c.phone())
                        .doesNotContain("022190001234").contains("022******234");
            }
        }
        // the page: every visit opened it, the first form was taken, the second refused
        List<SmsGatewaySimulator.PageVisit> visits = sms.pageVisits().stream().filter(v -> byPhone84.containsKey(v.phone())).toList();
        assertThat(visits).hasSize(30);
        for (SmsGatewaySimulator.PageVisit v : visits) {
            assertThat(v.getStatus()).isEqualTo(200);
            assertThat(v.postStatuses().get(0)).isEqualTo(200);
            if (v.postStatuses().size() > 1) assertThat(v.postStatuses().get(1)).isEqualTo(409);
        }
        assertThat(visits.stream().filter(v -> v.postStatuses().size() == 2)).hasSize(4); // ranks 0, 9, 18, 27
        // the national portal got each rating (hub.partners.national-portal.ratings.enabled in the test profile)
        await().atMost(WAIT).until(() -> citizens.stream().filter(Citizen::rates).allMatch(c -> portal.ratings().containsKey(c.code())));
        for (Citizen c : citizens) {
            JsonNode r = portal.ratings().get(c.code());
            if (!c.rates()) {
                assertThat(r).isNull();
            } else {
                assertThat(r.path("DiemDanhGia").asInt()).isEqualTo(c.stars());
                assertThat(r.path("HaiLong").asInt()).isEqualTo(c.stars() >= 4 ? 1 : 0);
            }
        }

        // the operators' aggregates, per agency of this run, match what was sent
        for (String agency : List.of(agencyA, agencyB)) {
            List<Citizen> ofAgency = citizens.stream().filter(c -> c.agency().equals(agency)).toList();
            JsonNode report = satisfaction("agency=" + agency);
            assertStats(report.path("total"), ofAgency);
            for (JsonNode p : report.path("byProcedure")) {
                assertStats(p, ofAgency.stream().filter(c -> c.procedure().equals(p.path("procedureCode").asText())).toList());
            }
            assertThat(report.path("byProcedure")).hasSize(2);
            assertThat(report.path("byAgency")).hasSize(1);
            assertThat(report.path("byMonth")).isNotEmpty();
            List<Citizen> low = ofAgency.stream().filter(c -> c.rates() && c.stars() <= 2).toList();
            assertThat(report.path("lowRatings")).hasSize(low.size());
            for (JsonNode l : report.path("lowRatings")) {
                Citizen c = low.stream().filter(x -> x.code().equals(l.path("dossierCode").asText())).findFirst().orElseThrow();
                assertThat(l.path("stars").asInt()).isEqualTo(c.stars());
                assertThat(l.path("reasons").toString()).contains("Trả kết quả trễ hẹn", "Thái độ cán bộ chưa tốt");
                assertThat(l.path("comment").asText()).doesNotContain(c.name()).doesNotContain(c.phone()).contains("***");
            }
            assertThat(report.toString()).doesNotContain(ofAgency.get(0).phone()).doesNotContain(ofAgency.get(0).name());
        }
        JsonNode oneProcedure = satisfaction("agency=" + agencyA + "&procedure=1.000001");
        assertStats(oneProcedure.path("total"), citizens.stream().filter(c -> c.agency().equals(agencyA) && c.procedure().equals("1.000001")).toList());
        // nothing is stored unmasked for viewers
        assertThat(jdbc.queryForObject("SELECT count(*) FROM citizen_rating WHERE dossier_code = ANY (?) AND comment_masked ~ '0[0-9]{9}'",
                Integer.class, (Object) codes(citizens))).isZero();
        // viewers only; the page itself needs no login (the calls above carry no token)
        assertThat(http.getForEntity("/api/v1/satisfaction", String.class).getStatusCode().value()).isEqualTo(401);
        // bad parameters are 400 problems
        for (String bad : List.of("from=2026-13-01", "from=2026-05-01&to=2026-04-01", "to=yesterday", "from=2020-01-01&to=2026-01-01")) {
            ResponseEntity<String> r = TestTokens.as(http, TestTokens.viewer()).getForEntity("/api/v1/satisfaction?" + bad, String.class);
            assertThat(r.getStatusCode().value()).as(bad).isEqualTo(400);
            assertThat(r.getHeaders().getContentType().toString()).startsWith("application/problem+json");
        }
    }

    @Test
    void theRatingPageTakesOneFormPerTokenAndAnswersEveryMistakeWithAReason() {
        Citizen c = new Citizen(code(), phone("118"), "Lê Văn Tám", agencyA, "1.000001", false, 0, List.of(), null, 1);
        returned(c);
        await().atMost(WAIT).until(() -> smsLinks(c).size() == 1);
        String token = smsLinks(c).get(0);
        assertThat(sms.sent().stream().filter(s -> s.phone().equals(c.phone84())).findFirst().orElseThrow().content())
                .contains("danh gia").contains("/rate/" + token);

        ResponseEntity<String> page = http.getForEntity("/rate/" + token, String.class);
        assertThat(page.getStatusCode().value()).isEqualTo(200);
        assertThat(page.getHeaders().getContentType().toString()).startsWith("text/html");
        assertThat(page.getHeaders().getFirst("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(page.getBody()).contains("Đánh giá mức độ hài lòng", "name=\"stars\"", "Trả kết quả đúng hẹn")
                .doesNotContain(c.name()).doesNotContain(c.phone()).doesNotContain(c.code());

        // mistakes: 400 with the reason, in Vietnamese for the page, as problem+json for a JSON client; the token stays good
        ResponseEntity<String> noStars = postForm(token, 0, List.of(), null);
        assertThat(noStars.getStatusCode().value()).isEqualTo(400);
        assertThat(noStars.getBody()).contains("Vui lòng chọn số sao");
        ResponseEntity<String> badReason = postForm(token, 3, List.of("lý do bịa"), null);
        assertThat(badReason.getStatusCode().value()).isEqualTo(400);
        assertThat(badReason.getBody()).contains("Lý do đã chọn không có trong danh sách");
        ResponseEntity<String> tooLong = postForm(token, 3, List.of(), "a".repeat(1001));
        assertThat(tooLong.getStatusCode().value()).isEqualTo(400);
        HttpHeaders json = new HttpHeaders();
        json.setContentType(MediaType.APPLICATION_FORM_URLENCODED);
        json.setAccept(List.of(MediaType.APPLICATION_JSON));
        ResponseEntity<String> problem = http.exchange("/rate/" + token, HttpMethod.POST, new HttpEntity<>("stars=9", json), String.class);
        assertThat(problem.getStatusCode().value()).isEqualTo(400);
        assertThat(problem.getHeaders().getContentType().toString()).startsWith("application/problem+json");
        assertThat(problem.getBody()).contains("stars must be a whole number from 1 to 5");

        ResponseEntity<String> thanks = postForm(token, 2, List.of("Phải bổ sung hồ sơ nhiều lần"), "Cán bộ Lê Văn Tám hẹn 3 lần, số tôi 0987654321");
        assertThat(thanks.getStatusCode().value()).isEqualTo(200);
        assertThat(thanks.getBody()).contains("Cảm ơn Ông/Bà đã đánh giá");
        ResponseEntity<String> again = postForm(token, 5, List.of(), null);
        assertThat(again.getStatusCode().value()).isEqualTo(409);
        assertThat(again.getBody()).contains("Ông/Bà đã gửi đánh giá cho hồ sơ này");
        assertThat(http.getForEntity("/rate/" + token, String.class).getStatusCode().value()).isEqualTo(409);

        await().atMost(WAIT).until(() -> rated(Set.of(c.code())).size() == 1);
        JsonNode detail = rated(Set.of(c.code())).get(0).path("detail");
        assertThat(detail.path("stars").asInt()).isEqualTo(2);
        assertThat(detail.path("comment").asText()).isEqualTo("Cán bộ *** hẹn 3 lần, số tôi 098*****21");
        assertThat(jdbc.queryForObject("SELECT stars FROM citizen_rating WHERE dossier_code = ?", Integer.class, c.code())).isEqualTo(2);
        // the second form changed nothing
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> rated(Set.of(c.code())).size() == 1);
    }

    @Test
    void aPostalReturnIsRatedOnceDeliveredAndNeverTwice() {
        Citizen c = new Citizen(code(), phone("555"), "Đỗ Thị Hoa", agencyA, "1.000001", true, 0, List.of(), null, 1);
        returned(c, "POSTAL");
        // the result left by post: no invitation yet
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> ratingZns(c).isEmpty());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM rating_invitation WHERE dossier_code = ?", Integer.class, c.code())).isZero();

        // VNPost's RESULT_DELIVERED (the update contract's postal status) plans it, beside its own notification
        ObjectNode detail = JSON.createObjectNode().put("itemCode", "EB" + (100_000_000 + RANDOM.nextInt(899_999_999)) + "VN")
                .put("saleOrderCode", "SO" + RANDOM.nextInt(1_000_000)).put("purpose", "DELIVERY").put("statusCode", 100)
                .put("statusName", "Phát thành công").put("statusAt", OffsetDateTime.now(DossierEventFactory.VN).toString()).put("channel", "POLL");
        updatesBean.publish(List.of(DossierUpdates.of("it-delivered:" + c.code(), c.code(), "RESULT_DELIVERED", "vnpost", detail)));
        await().atMost(WAIT).until(() -> ratingZns(c).size() == 1);
        assertThat(jdbc.queryForObject("SELECT trigger_type FROM rating_invitation WHERE dossier_code = ?", String.class, c.code()))
                .isEqualTo("RESULT_DELIVERED");
        // delivered again (a second poll under another id), and the counter hands it over afterwards: still one invitation
        updatesBean.publish(List.of(DossierUpdates.of("it-delivered-again:" + c.code(), c.code(), "RESULT_DELIVERED", "vnpost", detail)));
        returned(c, "COUNTER");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> ratingZns(c).size() == 1);
    }

    @Test
    void anInvitationDueInQuietHoursWaitsForTheMorning() {
        var clock = SimulatedClockInstaller.CLOCK;
        try {
            clock.set(LocalTime.of(22, 30), 0);
            Citizen c = new Citizen(code(), phone("555"), "Vũ Văn Nam", agencyA, "1.000001", true, 0, List.of(), null, 1);
            returned(c);
            await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT count(*) FROM rating_invitation WHERE dossier_code = ?",
                    Integer.class, c.code()) == 1);
            java.time.ZonedDateTime due = jdbc.queryForObject("SELECT due_at FROM rating_invitation WHERE dossier_code = ?",
                    java.sql.Timestamp.class, c.code()).toInstant().atZone(clock.getZone());
            assertThat(due.toLocalTime()).isEqualTo(LocalTime.of(7, 0));
            assertThat(due.toLocalDate()).isEqualTo(java.time.LocalDate.now(clock).plusDays(1));
            clock.set(LocalTime.of(6, 58), 1);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> ratingZns(c).isEmpty());
            clock.set(LocalTime.of(7, 0), 1);
            await().atMost(WAIT).until(() -> ratingZns(c).size() == 1);
        } finally {
            clock.daytime();
        }
    }

    // --- helpers ---

    private void returned(Citizen c) {
        returned(c, "COUNTER");
    }

    private void returned(Citizen c, String returnMethod) {
        ObjectNode d = factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN).minusDays(5));
        d.put("code", c.code()).put("agencyCode", c.agency()).put("agencyName", "Cơ quan thử " + c.agency())
                .put("procedureCode", c.procedure()).put("procedureName", "Thủ tục thử " + c.procedure()).put("returnMethod", returnMethod);
        ((ObjectNode) d.get("applicant")).put("phone", c.phone()).put("fullName", c.name());
        ((ObjectNode) d.get("handler")).put("name", "Lê Văn Tám");
        OffsetDateTime now = OffsetDateTime.now(DossierEventFactory.VN);
        ObjectNode e = factory.event("RESULT_RETURNED", now, d, 10, JSON.createObjectNode().put("at", now.toString()));
        HttpHeaders h = new HttpHeaders();
        h.setContentType(MediaType.APPLICATION_JSON);
        ResponseEntity<String> r = TestTokens.as(http, TestTokens.onestop()).postForEntity("/api/v1/dossier-events", new HttpEntity<>(e.toString(), h), String.class);
        assertThat(r.getStatusCode().value()).as(r.getBody()).isEqualTo(202);
    }

    private List<JsonNode> ratingZns(Citizen c) {
        return zalo.znsReceived().stream().filter(z -> z.path("phone").asText().equals(c.phone84())
                && RATING_TEMPLATE.equals(z.path("template_id").asText())).toList();
    }

    /** The rating tokens of the SMS this citizen received. */
    private List<String> smsLinks(Citizen c) {
        List<String> tokens = new ArrayList<>();
        for (SmsGatewaySimulator.Received s : sms.sent()) {
            if (!s.phone().equals(c.phone84())) continue;
            Matcher m = LINK.matcher(s.content());
            if (m.find()) tokens.add(m.group(1));
        }
        return tokens;
    }

    private List<JsonNode> rated(Set<String> dossiers) {
        return updates.all().stream().filter(u -> "CITIZEN_RATED".equals(u.path("updateType").asText())
                && dossiers.contains(u.path("dossierCode").asText())).toList();
    }

    private ResponseEntity<String> postForm(String token, int stars, List<String> reasons, String comment) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        if (stars > 0) form.add("stars", Integer.toString(stars));
        reasons.forEach(r -> form.add("reasons", r));
        if (comment != null) form.add("comment", comment);
        HttpHeaders h = new HttpHeaders();
        h.setContentType(MediaType.APPLICATION_FORM_URLENCODED);
        h.setAccept(List.of(MediaType.TEXT_HTML));
        return http.exchange("/rate/" + token, HttpMethod.POST, new HttpEntity<>(form, h), String.class);
    }

    private JsonNode satisfaction(String query) {
        ResponseEntity<String> r = TestTokens.as(http, TestTokens.viewer()).getForEntity("/api/v1/satisfaction?" + query, String.class);
        assertThat(r.getStatusCode().value()).as(r.getBody()).isEqualTo(200);
        try {
            return JSON.readTree(r.getBody());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void assertStats(JsonNode s, List<Citizen> group) {
        List<Citizen> raters = group.stream().filter(Citizen::rates).toList();
        assertThat(s.path("returned").asLong()).isEqualTo(group.size());
        assertThat(s.path("ratings").asLong()).isEqualTo(raters.size());
        assertThat(s.path("shareRated").decimalValue().doubleValue()).isCloseTo((double) raters.size() / group.size(), org.assertj.core.data.Offset.offset(0.0001));
        double avg = raters.stream().mapToInt(Citizen::stars).average().orElseThrow();
        assertThat(s.path("averageStars").decimalValue().doubleValue()).isCloseTo(avg, org.assertj.core.data.Offset.offset(0.005));
        long satisfied = raters.stream().filter(c -> c.stars() >= 4).count();
        assertThat(s.path("satisfied").asLong()).isEqualTo(satisfied);
        assertThat(s.path("shareSatisfied").decimalValue().doubleValue()).isCloseTo((double) satisfied / raters.size(), org.assertj.core.data.Offset.offset(0.0001));
        Map<String, Long> perStar = new LinkedHashMap<>();
        for (int i = 1; i <= 5; i++) {
            int star = i;
            perStar.put(Integer.toString(i), raters.stream().filter(c -> c.stars() == star).count());
        }
        Map<String, Long> got = new HashMap<>();
        s.path("stars").fields().forEachRemaining(f -> got.put(f.getKey(), f.getValue().asLong()));
        assertThat(got).isEqualTo(perStar);
    }

    private static String[] codes(List<Citizen> citizens) {
        return citizens.stream().map(Citizen::code).toArray(String[]::new);
    }

    private static final Set<String> USED = ConcurrentHashMap.newKeySet();

    private static String code() {
        String date = OffsetDateTime.now(DossierEventFactory.VN).format(DateTimeFormatter.ofPattern("yyyyMMdd"));
        String code;
        do {
            code = "000.00.21.H45-" + date + "-" + String.format("%07d", RANDOM.nextInt(10_000_000));
        } while (!USED.add(code));
        return code;
    }

    /** A mobile number (555: has Zalo; 118: no Zalo) with no message anywhere yet: these tests count them by number. */
    private String phone(String ending) {
        return TestPhones.fresh(ending, jdbc, zalo, sms);
    }

    private static String randomCode() {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 3; i++) b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        return b.toString();
    }
}
