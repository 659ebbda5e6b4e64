package vn.gov.lgsp.hub.satisfaction;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Citizen satisfaction (hub.satisfaction, config/application.yml): the rating page and its links. */
@ConfigurationProperties(prefix = "hub.satisfaction")
public class SatisfactionProperties {
    /** The public address citizens reach the hub's rating page at (the link in the SMS is this + /rate/&lt;token&gt;). */
    private String publicBaseUrl = "https://dichvucong.quangninh.gov.vn";
    /** How long an invitation's link can be used. */
    private Duration tokenValidFor = Duration.ofDays(30);
    /** The reasons the page offers (the ZNS rating template has its own, approved with the template). */
    private List<String> reasons = new ArrayList<>(List.of(
            "Trả kết quả đúng hẹn", "Cán bộ hướng dẫn tận tình", "Thủ tục đơn giản, dễ hiểu",
            "Trả kết quả trễ hẹn", "Phải bổ sung hồ sơ nhiều lần", "Thái độ cán bộ chưa tốt", "Phí, lệ phí chưa rõ ràng"));
    /** Longest comment accepted (characters). */
    private int commentMaxLength = 1000;
    /** Most low ratings (1-2 stars) the aggregates list. */
    private int lowRatingsLimit = 200;

    public String getPublicBaseUrl() { return publicBaseUrl; }
    public void setPublicBaseUrl(String publicBaseUrl) { this.publicBaseUrl = publicBaseUrl; }
    public Duration getTokenValidFor() { return tokenValidFor; }
    public void setTokenValidFor(Duration tokenValidFor) { this.tokenValidFor = tokenValidFor; }
    public List<String> getReasons() { return reasons; }
    public void setReasons(List<String> reasons) { this.reasons = reasons; }
    public int getCommentMaxLength() { return commentMaxLength; }
    public void setCommentMaxLength(int commentMaxLength) { this.commentMaxLength = commentMaxLength; }
    public int getLowRatingsLimit() { return lowRatingsLimit; }
    public void setLowRatingsLimit(int lowRatingsLimit) { this.lowRatingsLimit = lowRatingsLimit; }

    /** The page's address for a token. */
    public String link(String token) {
        String base = publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1) : publicBaseUrl;
        return base + RatingPageController.PATH + "/" + token;
    }
}
