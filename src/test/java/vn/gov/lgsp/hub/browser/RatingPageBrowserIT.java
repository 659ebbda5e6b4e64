package vn.gov.lgsp.hub.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;
import vn.gov.lgsp.connector.sms.simulator.SmsGatewaySimulator;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;
import vn.gov.lgsp.hub.infra.TestTokens;

/** The rating page as a citizen's phone shows it: open the SMS link, tap 5 stars, send, read the thanks. */
@HubIntegrationTest
class RatingPageBrowserIT {
    private static final Random RANDOM = new Random();
    private static final Pattern LINK = Pattern.compile("https?://\\S+?(/rate/[A-Za-z0-9]{22})");

    @LocalServerPort int port;
    @Autowired TestRestTemplate http;
    @Autowired SmsGatewaySimulator sms;
    @Autowired JdbcTemplate jdbc;

    @Test
    void aCitizenRatesFiveStarsInTheBrowser() throws Exception {
        // a dossier returned to a citizen without Zalo: the invitation is an SMS with the page's link
        DossierEventFactory factory = new DossierEventFactory(RANDOM.nextLong());
        OffsetDateTime now = OffsetDateTime.now(DossierEventFactory.VN);
        ObjectNode d = factory.newDossier(now.minusDays(3));
        String code = "000.00.21.H45-" + now.format(DateTimeFormatter.ofPattern("yyyyMMdd")) + "-" + String.format("%07d", RANDOM.nextInt(10_000_000));
        String phone84 = "849" + String.format("%05d", RANDOM.nextInt(100_000)) + "118";
        d.put("code", code).put("returnMethod", "COUNTER").put("procedureName", "Cấp giấy phép xây dựng nhà ở riêng lẻ");
        ((ObjectNode) d.get("applicant")).put("phone", "0" + phone84.substring(2));
        HttpHeaders h = new HttpHeaders();
        h.setContentType(MediaType.APPLICATION_JSON);
        ObjectNode event = factory.event("RESULT_RETURNED", now, d, 10, new ObjectMapper().createObjectNode().put("at", now.toString()));
        assertThat(TestTokens.as(http, TestTokens.onestop()).postForEntity("/api/v1/dossier-events", new HttpEntity<>(event.toString(), h), String.class).getStatusCode().value()).isEqualTo(202);
        String path = await().atMost(Duration.ofSeconds(60)).until(() -> sms.sent().stream().filter(s -> s.phone().equals(phone84))
                .map(s -> LINK.matcher(s.content())).filter(Matcher::find).map(m -> m.group(1)).findFirst().orElse(null), p -> p != null);

        try (Browser browser = Browser.start()) {
            browser.open("http://localhost:" + port + path);
            assertThat(browser.waitForVisible(By.tagName("h2")).getText()).isEqualTo("Đánh giá mức độ hài lòng");
            assertThat(browser.driver().findElement(By.tagName("main")).getText()).contains("Cấp giấy phép xây dựng nhà ở riêng lẻ")
                    .doesNotContain(d.at("/applicant/fullName").asText()).doesNotContain(code);
            browser.waitForVisible(By.cssSelector("label[for='star5']")).click();
            assertThat(browser.driver().findElement(By.id("star5")).isSelected()).isTrue();
            browser.driver().findElement(By.cssSelector("input[name='reasons'][value='Cán bộ hướng dẫn tận tình']")).click();
            browser.driver().findElement(By.id("comment")).sendKeys("Cán bộ hướng dẫn rất chu đáo, cảm ơn!");
            browser.screenshot("rating-page-form");
            browser.driver().findElement(By.id("submit")).click();
            assertThat(browser.waitForVisible(By.id("thanks")).getText()).isEqualTo("Cảm ơn Ông/Bà đã đánh giá!");
            assertThat(browser.driver().findElement(By.tagName("main")).getText()).contains("5 sao (Rất hài lòng)");
            Path shot = browser.screenshot("rating-page-thanks");
            assertThat(shot).isRegularFile();
            byte[] png = Files.readAllBytes(shot);
            assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
            assertThat(png.length).isGreaterThan(5_000);

            // the same link again: already rated, said politely
            browser.open("http://localhost:" + port + path);
            assertThat(browser.waitForVisible(By.id("message")).getText()).isEqualTo("Ông/Bà đã đánh giá");
        }
        assertThat(jdbc.queryForObject("SELECT stars FROM citizen_rating WHERE dossier_code = ?", Integer.class, code)).isEqualTo(5);
        assertThat(jdbc.queryForObject("SELECT comment_masked FROM citizen_rating WHERE dossier_code = ?", String.class, code))
                .isEqualTo("Cán bộ hướng dẫn rất chu đáo, cảm ơn!");
    }
}
