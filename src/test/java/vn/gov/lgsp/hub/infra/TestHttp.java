package vn.gov.lgsp.hub.infra;

import java.net.URI;
import java.net.http.HttpRequest;

/** Requests the tests make to a test hub, with what every caller must present. */
public final class TestHttp {
    private TestHttp() {}

    /** A POST of one dossier event to the REST intake. */
    public static HttpRequest.Builder intake(int port, String body) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/dossier-events"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TestTokens.onestop())
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }
}
