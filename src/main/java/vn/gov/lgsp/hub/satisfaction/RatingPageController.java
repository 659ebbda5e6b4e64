package vn.gov.lgsp.hub.satisfaction;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import vn.gov.lgsp.hub.web.Problems;

/**
 * The citizen's rating page, public (no login: the one-time token in the link is the only key):
 * {@code GET /rate/<token>} shows the form (procedure and agency only: no personal data), {@code POST /rate/<token>}
 * (form fields {@code stars} 1..5, {@code reasons} any of the offered ones, {@code comment}) records the rating once.
 * Answers are Vietnamese pages: 200 thanks, 400 what is wrong with the form, 404 unknown link, 409 already rated,
 * 410 link expired; a client asking for JSON gets the same statuses as problem+json.
 */
@RestController
public class RatingPageController {
    public static final String PATH = "/rate";

    private final RatingInvitations invitations;
    private final CitizenRatings ratings;
    private final SatisfactionProperties props;

    public RatingPageController(RatingInvitations invitations, CitizenRatings ratings, SatisfactionProperties props) {
        this.invitations = invitations;
        this.ratings = ratings;
        this.props = props;
    }

    @GetMapping(PATH + "/{token}")
    public ResponseEntity<String> page(@PathVariable String token, HttpServletRequest request) {
        Optional<RatingInvitations.Invitation> inv = RatingInvitations.wellFormed(token) ? invitations.byToken(token) : Optional.empty();
        if (inv.isEmpty()) return unknown(request);
        if (inv.get().tokenUsedAt() != null) return already(request);
        if (inv.get().expiresAt().isBefore(Instant.now())) return expired(request);
        return html(HttpStatus.OK, RatingPages.form(inv.get(), props.getReasons(), props.getCommentMaxLength(), null));
    }

    @PostMapping(PATH + "/{token}")
    public ResponseEntity<String> submit(@PathVariable String token, @RequestParam MultiValueMap<String, String> form,
                                         HttpServletRequest request) {
        Optional<RatingInvitations.Invitation> inv = RatingInvitations.wellFormed(token) ? invitations.byToken(token) : Optional.empty();
        if (inv.isEmpty()) return unknown(request);
        if (inv.get().tokenUsedAt() != null) return already(request);
        String stars = form.getFirst("stars");
        int n;
        try {
            n = stars == null ? 0 : Integer.parseInt(stars.trim());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1 || n > 5) {
            return invalid(request, inv.get(), "Vui lòng chọn số sao từ 1 đến 5.", "stars must be a whole number from 1 to 5");
        }
        List<String> reasons = new ArrayList<>();
        for (String r : form.getOrDefault("reasons", List.of())) {
            if (!props.getReasons().contains(r)) {
                return invalid(request, inv.get(), "Lý do đã chọn không có trong danh sách.", "reasons: not one of the offered reasons");
            }
            if (!reasons.contains(r)) reasons.add(r);
        }
        String comment = form.getFirst("comment");
        if (comment != null && comment.codePointCount(0, comment.length()) > props.getCommentMaxLength()) {
            return invalid(request, inv.get(), "Ý kiến dài quá " + props.getCommentMaxLength() + " ký tự.",
                    "comment is longer than " + props.getCommentMaxLength() + " characters");
        }
        CitizenRatings.Outcome outcome = ratings.recordByToken(token,
                new CitizenRatings.Rating(n, reasons, comment, CitizenRatings.Channel.WEB, "page", Instant.now()));
        return switch (outcome) {
            case RECORDED -> html(HttpStatus.OK, RatingPages.thanks(n));
            case ALREADY_RATED -> already(request);
            case EXPIRED -> expired(request);
            case UNKNOWN -> unknown(request);
        };
    }

    private ResponseEntity<String> unknown(HttpServletRequest request) {
        return answer(request, HttpStatus.NOT_FOUND, "rating-link-unknown", "this rating link is not valid",
                RatingPages.message("Liên kết không hợp lệ",
                        "Liên kết đánh giá này không đúng hoặc không còn hiệu lực. Vui lòng kiểm tra lại tin nhắn đã nhận."));
    }

    private ResponseEntity<String> already(HttpServletRequest request) {
        return answer(request, HttpStatus.CONFLICT, "rating-already-given", "this dossier has already been rated",
                RatingPages.message("Ông/Bà đã đánh giá",
                        "Ông/Bà đã gửi đánh giá cho hồ sơ này. Mỗi hồ sơ chỉ được đánh giá một lần. Trân trọng cảm ơn Ông/Bà!"));
    }

    private ResponseEntity<String> expired(HttpServletRequest request) {
        return answer(request, HttpStatus.GONE, "rating-link-expired", "this rating link has expired",
                RatingPages.message("Liên kết đã hết hạn",
                        "Thời hạn đánh giá hồ sơ này đã hết. Trân trọng cảm ơn Ông/Bà đã quan tâm."));
    }

    private ResponseEntity<String> invalid(HttpServletRequest request, RatingInvitations.Invitation inv, String vi, String en) {
        return answer(request, HttpStatus.BAD_REQUEST, "rating-form", en,
                RatingPages.form(inv, props.getReasons(), props.getCommentMaxLength(), vi));
    }

    /** problem+json to a client that asks for JSON, the Vietnamese page to everyone else (a browser). */
    private static ResponseEntity<String> answer(HttpServletRequest request, HttpStatus status, String type, String detail, String page) {
        String accept = String.valueOf(request.getHeader("Accept"));
        if ((accept.contains("application/json") || accept.contains("application/problem+json")) && !accept.contains("text/html")) {
            return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).cacheControl(CacheControl.noStore())
                    .body(new String(ProblemsJson.of(status.value(), type, detail), java.nio.charset.StandardCharsets.UTF_8));
        }
        return html(status, page);
    }

    private static ResponseEntity<String> html(HttpStatus status, String page) {
        return ResponseEntity.status(status)
                .contentType(new MediaType("text", "html", java.nio.charset.StandardCharsets.UTF_8))
                .cacheControl(CacheControl.noStore())
                // the token is in the address: never sent on as a referrer; nothing from elsewhere is loaded
                .header("Referrer-Policy", "no-referrer")
                .header("X-Frame-Options", "DENY")
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
                .body(page);
    }

    /** The problem+json body, as {@link Problems} writes it. */
    static final class ProblemsJson {
        static byte[] of(int status, String type, String detail) {
            com.fasterxml.jackson.databind.node.ObjectNode n = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
            n.put("type", Problems.TYPE_BASE + type);
            HttpStatus known = HttpStatus.resolve(status);
            n.put("title", known == null ? "HTTP " + status : known.getReasonPhrase());
            n.put("status", status);
            n.put("detail", detail);
            return n.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
