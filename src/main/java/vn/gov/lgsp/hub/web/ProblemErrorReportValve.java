package vn.gov.lgsp.hub.web;

import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's last word on an error no error page answered (a request Tomcat refuses before any servlet, such as a
 * malformed or encoded-slash URL): problem+json instead of Tomcat's HTML page with its version.
 */
public class ProblemErrorReportValve extends ErrorReportValve {
    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) return;
        String detail = switch (status) {
            case 400 -> "The request is malformed (its URL, headers or encoding).";
            case 404 -> "No such resource.";
            case 405 -> "This method is not allowed on this resource.";
            case 413 -> "The request is larger than the hub accepts.";
            case 414 -> "The URL is longer than the hub accepts.";
            case 431 -> "The request's headers are larger than the hub accepts.";
            default -> "HTTP " + status;
        };
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(new String(Problems.json(status, "http-" + status, detail), StandardCharsets.UTF_8));
                response.finishResponse();
            }
        } catch (Exception e) {
            // the client is gone or the response unusable: nothing more to say
        }
    }
}
