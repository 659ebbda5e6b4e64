package vn.gov.lgsp.connector.nationalportal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The portal client's wire behaviour on loopback HTTP: what the request carries, and a redirect refused. */
class NationalPortalClientTest {
    private final ObjectMapper json = new ObjectMapper();
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private NationalPortalClient client;
    private volatile String integrationLocation; // non-null: the integration path answers 302 to it
    private final java.util.Queue<String> integrationAnswers = new java.util.concurrent.ConcurrentLinkedQueue<>(); // "<status> <body>", in turn
    private volatile java.util.concurrent.CountDownLatch answerHeld = new java.util.concurrent.CountDownLatch(0); // the portal answers once it is released
    private final java.util.concurrent.atomic.AtomicInteger loginsSeen = new java.util.concurrent.atomic.AtomicInteger();
    private volatile String loginAnswer; // non-null: "<status> <body>" answered to every login

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " " + body);
            String path = exchange.getRequestURI().getPath();
            try {
                answerHeld.await(); // a portal that takes its time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int status = 200;
            String text = "{\"error_code\":0}";
            if (path.equals("/adapter/login") && loginAnswer != null) {
                status = Integer.parseInt(loginAnswer.substring(0, 3));
                text = loginAnswer.substring(4);
            } else if (path.equals("/adapter/login")) {
                text = "{\"error_code\":0,\"session\":\"S-" + loginsSeen.incrementAndGet() + "\"}";
            } else if (integrationAnswers.peek() != null) {
                String next = integrationAnswers.poll();
                status = Integer.parseInt(next.substring(0, 3));
                text = next.substring(4);
            }
            byte[] answer = text.getBytes(StandardCharsets.UTF_8);
            if (path.equals("/adapter/integration") && integrationLocation != null) {
                exchange.getResponseHeaders().add("Location", integrationLocation);
                exchange.sendResponseHeaders(302, -1);
            } else {
                exchange.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
                exchange.sendResponseHeaders(status, answer.length);
                exchange.getResponseBody().write(answer);
            }
            exchange.close();
        });
        server.start();
        NationalPortalProperties props = new NationalPortalProperties();
        props.setBaseUrl("http://127.0.0.1:" + server.getAddress().getPort());
        props.setUsername("hub");
        props.setPassword("secret");
        client = new NationalPortalClient(props, json);
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        server.stop(0);
    }

    @Test
    void theSessionTravelsOnTheWireButNeverStaysInTheRequestTheCallerAudits() throws Exception {
        ObjectNode request = json.createObjectNode().put("isUpdating", false);
        request.putArray("data").addObject().put("MaHoSo", "000.00.01.H45-261129-0001");

        client.call("DongBoHoSoMC", request);

        JsonNode sent = json.readTree(seen.get(seen.size() - 1).substring("POST /adapter/integration ".length()));
        assertThat(sent.path("session").asText()).isEqualTo("S-1");
        assertThat(sent.path("service").asText()).isEqualTo("DongBoHoSoMC");
        assertThat(sent.path("madonvi").asText()).isNotBlank();
        assertThat(sent.path("data").get(0).path("MaHoSo").asText()).isEqualTo("000.00.01.H45-261129-0001");
        assertThat(request.has("session")).as("the caller's request goes to the audit log").isFalse();
        assertThat(request.has("service")).isFalse();
        assertThat(request.has("madonvi")).isFalse();
    }

    @Test
    void aRequestSerialisedOnceGoesOnTheWireAsTheTreeWithTheSessionAddedWould() throws Exception {
        ObjectNode request = json.createObjectNode().put("isUpdating", true);
        request.putArray("data").addObject().put("MaHoSo", "000.00.01.H45-261129-0002").put("ChuHoSo", "Nguyễn \"Văn\" A}");
        String audited = json.writeValueAsString(request);

        client.call("DongBoHoSoMC", audited);

        String wire = seen.get(seen.size() - 1).substring("POST /adapter/integration ".length());
        ObjectNode expected = request.deepCopy().put("session", "S-1").put("madonvi", new NationalPortalProperties().getMadonvi())
                .put("service", "DongBoHoSoMC");
        assertThat(wire).isEqualTo(json.writeValueAsString(expected));
        assertThat(audited).doesNotContain("S-1").doesNotContain("session");
    }

    @Test
    void theSessionIsAddedToAnEmptyObjectAndNothingButAnObjectIsSent() throws Exception {
        JsonNode empty = json.readTree(client.withSession("{ }", "S-\"2", "X"));
        assertThat(empty.path("session").asText()).isEqualTo("S-\"2");
        assertThat(empty.path("service").asText()).isEqualTo("X");
        assertThat(empty.size()).isEqualTo(3);
        assertThat(json.readTree(client.withSession("{\"a\":1}\n", "S", "X")).path("a").asInt()).isEqualTo(1);
        assertThatThrownBy(() -> client.withSession("[1]", "S", "X")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.withSession("", "S", "X")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRedirectIsReportedAsAFailureAndNotFollowedWithoutItsBody() {
        integrationLocation = "https://elsewhere.example/adapter/integration";
        ObjectNode request = json.createObjectNode().put("isUpdating", true);

        assertThatThrownBy(() -> client.call("DongBoHoSoMC", request))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("HTTP 302")
                .hasMessageContaining("https://elsewhere.example/adapter/integration")
                .hasMessageContaining("base-url");
        assertThat(seen).filteredOn(s -> s.contains("/adapter/integration")).hasSize(1);
        assertThat(seen).noneMatch(s -> s.startsWith("GET"));
        assertThat(request.has("session")).isFalse();
    }

    @Test
    void aCallWithoutBlockingSendsWhatTheBlockingCallSendsAndRenewsAnExpiredSessionOnce() throws Exception {
        String request = "{\"isUpdating\":true,\"data\":[{\"MaHoSo\":\"000.00.01.H45-261129-0003\",\"ChuHoSo\":\"Nguyễn Văn A\"}]}";
        JsonNode answer = client.callAsync("DongBoHoSoMC", request).get(10, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(answer.path("error_code").asInt()).isZero();
        String wire = seen.get(seen.size() - 1).substring("POST /adapter/integration ".length());
        assertThat(wire).isEqualTo(client.withSession(request, "S-1", "DongBoHoSoMC"));

        integrationAnswers.add("200 {\"error_code\":3,\"message\":\"Phiên làm việc hết hạn\"}"); // the session expired
        client.callAsync("DongBoHoSoMC", request).get(10, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(client.logins()).isEqualTo(2);
        assertThat(json.readTree(seen.get(seen.size() - 1).substring("POST /adapter/integration ".length())).path("session").asText())
                .as("sent again with the new session").isEqualTo("S-2");
    }

    /**
     * The spec documents no session-expiry code: an answer that may mean an expired session (HTTP 401/403, a non-zero
     * error_code other than the refusal 2) is repeated once with a fresh login, by both ways of calling.
     */
    @Test
    void anyAnswerThatMayMeanAnExpiredSessionIsRepeatedOnceWithAFreshLogin() throws Exception {
        String request = "{\"isUpdating\":false,\"data\":[{\"MaHoSo\":\"000.00.01.H45-261129-0004\"}]}";
        client.call("DongBoHoSoMC", request); // logged in: S-1
        List<String> expired = List.of("401 {}", "403 {\"message\":\"forbidden\"}", "200 {\"error_code\":1,\"message\":\"het phien\"}",
                "200 {\"error_code\":99,\"message\":\"Session timeout\"}", "200 {\"error_code\":3}");
        int login = 1;
        for (String answer : expired) {
            for (boolean waiting : new boolean[] {true, false}) {
                integrationAnswers.add(answer);
                JsonNode done = waiting ? client.call("DongBoHoSoMC", request)
                        : client.callAsync("DongBoHoSoMC", request).get(10, java.util.concurrent.TimeUnit.SECONDS);
                login++;
                assertThat(done.path("error_code").asInt()).as(answer).isZero();
                assertThat(client.logins()).as(answer).isEqualTo(login);
                assertThat(json.readTree(seen.get(seen.size() - 1).substring("POST /adapter/integration ".length())).path("session").asText())
                        .as(answer + ": repeated with the fresh session").isEqualTo("S-" + login);
            }
        }
        // the refusal of the data is not a session problem: no login, a dead letter
        integrationAnswers.add("200 {\"error_code\":2,\"message\":\"MaHoSo sai\"}");
        assertThatThrownBy(() -> client.call("DongBoHoSoMC", request)).isInstanceOf(vn.gov.lgsp.hub.work.PartnerRejectedException.class);
        assertThat(client.logins()).isEqualTo(login);
    }

    @Test
    void aFreshSessionRefusedTheSameWayIsAnOutageNotARefusal() {
        for (String answer : List.of("401 {}", "403 {}", "200 {\"error_code\":99,\"message\":\"x\"}")) {
            integrationAnswers.add(answer);
            integrationAnswers.add(answer);
            long before = client.logins();
            assertThatThrownBy(() -> client.call("DongBoHoSoMC", "{}")).as(answer).isInstanceOf(IOException.class)
                    .isNotInstanceOf(vn.gov.lgsp.hub.work.PartnerRejectedException.class);
            assertThat(client.logins() - before).as(answer + ": one fresh login, not a loop").isLessThanOrEqualTo(2);
            assertThat(integrationAnswers).as("both answers used: the call was repeated once").isEmpty();
        }
    }

    @Test
    void timeOutsAndThrottlingAreRetriedWhileOtherClientErrorsRefuseTheData() throws Exception {
        client.call("DongBoHoSoMC", "{}");
        for (String busy : List.of("408 {}", "429 {}", "500 {}", "503 {}")) {
            integrationAnswers.add(busy);
            assertThatThrownBy(() -> client.call("DongBoHoSoMC", "{}")).as(busy).isInstanceOf(IOException.class)
                    .hasMessageContaining("HTTP " + busy.substring(0, 3));
        }
        for (String refusal : List.of("400 {}", "422 {}")) {
            integrationAnswers.add(refusal);
            assertThatThrownBy(() -> client.call("DongBoHoSoMC", "{}")).as(refusal)
                    .isInstanceOf(vn.gov.lgsp.hub.work.PartnerRejectedException.class);
        }
        assertThat(client.logins()).as("none of these is a session problem").isEqualTo(1);
    }

    @Test
    void aRefusedLoginIsAnOutageNotARefusalOfTheDossier() {
        for (String refused : List.of("401 {}", "403 {}", "400 {}", "200 {\"error_code\":1,\"message\":\"Sai mat khau\"}")) {
            loginAnswer = refused;
            assertThatThrownBy(() -> client.call("DongBoHoSoMC", "{}")).as(refused).isInstanceOf(IOException.class)
                    .isNotInstanceOf(vn.gov.lgsp.hub.work.PartnerRejectedException.class);
            assertThat(failureOf(client.callAsync("DongBoHoSoMC", "{}"))).as(refused).isInstanceOf(IOException.class);
        }
    }

    @Test
    void aCallWithoutBlockingFailsAsTheBlockingCallThrows() {
        integrationAnswers.add("200 {\"error_code\":2,\"message\":\"MaHoSo sai\"}");
        assertThat(failureOf(client.callAsync("DongBoHoSoMC", "{}"))).isInstanceOf(vn.gov.lgsp.hub.work.PartnerRejectedException.class)
                .hasMessageContaining("MaHoSo sai");

        integrationAnswers.add("503 {}");
        assertThat(failureOf(client.callAsync("DongBoHoSoMC", "{}"))).isInstanceOf(IOException.class).hasMessageContaining("HTTP 503");

        integrationAnswers.add("400 {\"message\":\"bad\"}");
        assertThat(failureOf(client.callAsync("DongBoHoSoMC", "{}"))).isInstanceOf(vn.gov.lgsp.hub.work.PartnerRejectedException.class)
                .hasMessageContaining("refused");

        // any other code: once more with a fresh session; the same again is an outage (retried), not a refusal
        integrationAnswers.add("200 {\"error_code\":9,\"message\":\"busy\"}");
        integrationAnswers.add("200 {\"error_code\":9,\"message\":\"busy\"}");
        assertThat(failureOf(client.callAsync("DongBoHoSoMC", "{}"))).isInstanceOf(IOException.class).hasMessageContaining("error_code 9");

        integrationAnswers.add("401 {}");
        integrationAnswers.add("401 {}");
        assertThat(failureOf(client.callAsync("DongBoHoSoMC", "{}"))).isInstanceOf(IOException.class)
                .isNotInstanceOf(vn.gov.lgsp.hub.work.PartnerRejectedException.class).hasMessageContaining("HTTP 401");

        for (String busy : List.of("408 {}", "429 {}")) {
            integrationAnswers.add(busy);
            assertThat(failureOf(client.callAsync("DongBoHoSoMC", "{}"))).as(busy).isInstanceOf(IOException.class)
                    .hasMessageContaining("HTTP " + busy.substring(0, 3));
        }

        integrationLocation = "https://elsewhere.example/adapter/integration";
        assertThat(failureOf(client.callAsync("DongBoHoSoMC", "{}"))).isInstanceOf(IOException.class)
                .hasMessageContaining("HTTP 302").hasMessageContaining("base-url");
    }

    @Test
    void aPortalThatDoesNotAnswerInTimeFailsTheCallWithoutBlockingAsATimeOut() throws Exception {
        NationalPortalProperties props = new NationalPortalProperties();
        props.setBaseUrl("http://127.0.0.1:" + server.getAddress().getPort());
        props.setResponseTimeout(java.time.Duration.ofMillis(300));
        NationalPortalClient impatient = new NationalPortalClient(props, json);
        impatient.call("DongBoHoSoMC", "{}"); // logged in: the next call goes to the integration path alone
        answerHeld = new java.util.concurrent.CountDownLatch(1);
        try {
            assertThat(failureOf(impatient.callAsync("DongBoHoSoMC", "{}"))).isInstanceOf(java.net.SocketTimeoutException.class);
        } finally {
            answerHeld.countDown();
            impatient.close();
        }
    }

    private static Throwable failureOf(java.util.concurrent.CompletableFuture<?> call) {
        try {
            call.get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return vn.gov.lgsp.hub.work.PartnerConnector.failureOf(e);
        } catch (Exception e) {
            throw new AssertionError("the call did not fail in time", e);
        }
        throw new AssertionError("the call did not fail");
    }
}
