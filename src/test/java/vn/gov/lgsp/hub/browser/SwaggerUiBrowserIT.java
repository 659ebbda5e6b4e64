package vn.gov.lgsp.hub.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.boot.test.web.server.LocalServerPort;
import vn.gov.lgsp.hub.infra.HubIntegrationTest;

/** Swagger UI, as an operator's browser shows it: the hub's operations listed from its OpenAPI document. */
@HubIntegrationTest
class SwaggerUiBrowserIT {
    @LocalServerPort int port;

    @Test
    void swaggerUiListsTheHubsOperations() throws Exception {
        try (Browser browser = Browser.start()) {
            // the API descriptions are behind the console's login (any role that may look)
            browser.open("http://localhost:" + port + "/console/login");
            browser.waitForVisible(By.name("username")).sendKeys("viewer");
            browser.driver().findElement(By.name("password")).sendKeys(vn.gov.lgsp.hub.infra.SharedInfrastructure.get().issuer().password("viewer"));
            browser.driver().findElement(By.cssSelector("button[type='submit']")).click();
            browser.waitFor(d -> !d.getCurrentUrl().contains("/console/login"));
            browser.open("http://localhost:" + port + "/swagger-ui.html");
            // rendered by the page's scripts once /v3/api-docs has arrived
            browser.waitForVisible(By.cssSelector(".opblock-summary-path"));
            WebElement accept = browser.waitForVisible(
                    By.cssSelector(".opblock-post .opblock-summary-path[data-path='/api/v1/dossier-events']"));
            assertThat(accept.getText()).contains("/api/v1/dossier-events");
            assertThat(browser.driver().findElement(By.cssSelector(".info .title")).getText()).contains("LGSP hub API");

            List<String> paths = browser.driver().findElements(By.cssSelector(".opblock-summary-path"))
                    .stream().map(e -> e.getDomAttribute("data-path")).toList();
            assertThat(paths).contains("/api/v1/dead-letters/{id}/replay", "/api/v1/audit/verify", "/api/v1/partners/zalo/webhook");
            List<String> tags = browser.driver().findElements(By.cssSelector(".opblock-tag")).stream()
                    .map(e -> e.getDomAttribute("data-tag")).toList();
            assertThat(tags).contains("Dossier events", "Operations", "Audit", "Partner callbacks");

            Path shot = browser.screenshot("swagger-ui");
            assertThat(shot).isRegularFile();
            byte[] png = Files.readAllBytes(shot);
            assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
            assertThat(png.length).isGreaterThan(10_000); // a rendered page, not a blank one
        }
    }
}
