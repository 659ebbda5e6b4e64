package vn.gov.lgsp.connector.zalo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import vn.gov.lgsp.hub.security.SecurityRefusals;

/**
 * The webhook's way past the security chain: only a POST to exactly its path takes it (answered by the webhook itself,
 * with the security chain's headers); anything else goes down the whole filter chain. The webhook behind both ways is
 * covered end to end by NotificationIT, SecurityPartnerCallbacksIT and HttpFuzzIT.
 */
class ZaloWebhookFastPathTest {
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final ZaloWebhookServlet.FastPath fastPath = new ZaloWebhookServlet.FastPath(new ZaloWebhookServlet(
            new ZaloProperties(), null, null, new ObjectMapper(), new SecurityRefusals(metrics, null) {
                @Override
                public void refuse(String endpoint, String party, String reason, String detail) {
                    count(endpoint, reason); // no audit log here
                }
            }));

    @Test
    void aPostToTheWebhooksPathIsAnsweredByTheWebhookWithTheSecurityHeadersAndNeverReachesTheChain() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", ZaloWebhookServlet.PATH);
        request.setContent("{\"event_name\":\"user_received_message\"}".getBytes(StandardCharsets.UTF_8));
        request.addHeader("X-ZEvent-Signature", "mac=0000");
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();

        fastPath.doFilter(request, response, chain);

        assertThat(chain.getRequest()).as("the rest of the filter chain").isNull();
        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(response.getContentAsString()).contains("invalid signature");
        assertThat(response.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.getHeader("X-Frame-Options")).isEqualTo("DENY");
        assertThat(response.getHeader("Cache-Control")).contains("no-store");
        assertThat(metrics.get("hub.security.refused").tag("reason", "bad_signature").counter().count()).isEqualTo(1);
    }

    @Test
    void otherMethodsAndPathsThatAreNotExactlyTheWebhooksTakeTheWholeChain() throws Exception {
        for (MockHttpServletRequest request : new MockHttpServletRequest[] {
                new MockHttpServletRequest("GET", ZaloWebhookServlet.PATH),
                new MockHttpServletRequest("POST", ZaloWebhookServlet.PATH + ";jsessionid=1"),
                new MockHttpServletRequest("POST", ZaloWebhookServlet.PATH.replace("webhook", "web%68ook"))}) {
            MockFilterChain chain = new MockFilterChain();
            MockHttpServletResponse response = new MockHttpServletResponse();
            fastPath.doFilter(request, response, chain);
            assertThat(chain.getRequest()).as(request.getMethod() + " " + request.getRequestURI()).isSameAs(request);
            assertThat(response.getHeader("X-Content-Type-Options")).isNull();
        }
    }
}
