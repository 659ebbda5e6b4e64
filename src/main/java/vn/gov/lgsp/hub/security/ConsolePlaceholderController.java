package vn.gov.lgsp.hub.security;

import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/** A placeholder for the operations console's home page ({@code GET /console}): delete it when the console has its own. */
@RestController
public class ConsolePlaceholderController {
    @GetMapping(path = "/console", produces = MediaType.TEXT_HTML_VALUE)
    public String home(Authentication user) {
        return "<!doctype html><html><head><meta charset=\"utf-8\"><title>LGSP console</title></head><body><h1>LGSP console</h1>"
                + "<p>Signed in as <span id=\"user\">" + HtmlUtils.htmlEscape(user.getName()) + "</span>, roles <span id=\"roles\">"
                + HtmlUtils.htmlEscape(String.join(",", ConsoleLoginController.roles(user))) + "</span></p></body></html>";
    }
}
