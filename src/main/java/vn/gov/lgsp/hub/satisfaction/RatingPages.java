package vn.gov.lgsp.hub.satisfaction;

import java.util.List;

/** The rating page's HTML (Vietnamese, self-contained: inline style, no script, nothing loaded from elsewhere). */
final class RatingPages {
    private RatingPages() {}

    private static final String[] STAR_WORDS = {"", "Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"};

    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;background:#f4f6f8;color:#1f2933}
            header{background:#b71c1c;color:#fff;padding:14px 18px}
            header h1{font-size:1.05rem;margin:0;font-weight:600}
            main{max-width:560px;margin:18px auto;background:#fff;border-radius:8px;padding:20px 22px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
            h2{font-size:1.25rem;margin:0 0 12px}
            .facts{margin:0 0 16px;padding:0;list-style:none;color:#3e4c59}
            .facts li{margin:4px 0}
            .stars{display:flex;flex-direction:row-reverse;justify-content:flex-end;gap:4px;margin:8px 0 4px}
            .stars input{position:absolute;opacity:0;width:1px;height:1px}
            .stars label{font-size:2.4rem;line-height:1;color:#cbd2d9;cursor:pointer}
            .stars input:checked ~ label,.stars label:hover,.stars label:hover ~ label{color:#f5a623}
            .stars input:focus-visible + label{outline:2px solid #1565c0}
            fieldset{border:0;margin:0 0 16px;padding:0}
            legend{font-weight:600;margin-bottom:6px}
            .reasons label{display:block;margin:6px 0}
            textarea{width:100%;box-sizing:border-box;min-height:90px;font:inherit;padding:8px;border:1px solid #9aa5b1;border-radius:4px}
            button{background:#1565c0;color:#fff;border:0;border-radius:4px;padding:10px 22px;font-size:1rem;cursor:pointer}
            .error{background:#fdecea;color:#8a1c1c;padding:10px 12px;border-radius:4px;margin-bottom:14px}
            .note{color:#616e7c;font-size:.9rem}
            """;

    static String form(RatingInvitations.Invitation inv, List<String> reasons, int commentMax, String error) {
        StringBuilder b = new StringBuilder(4096);
        b.append("<h2>Đánh giá mức độ hài lòng</h2>");
        b.append("<p>Trung tâm Phục vụ hành chính công trân trọng mời Ông/Bà đánh giá việc giải quyết hồ sơ của mình.</p>");
        b.append("<ul class=\"facts\">");
        if (inv.procedureName() != null) b.append("<li>Thủ tục: <strong>").append(esc(inv.procedureName())).append("</strong></li>");
        if (inv.agencyName() != null) b.append("<li>Cơ quan giải quyết: <strong>").append(esc(inv.agencyName())).append("</strong></li>");
        b.append("</ul>");
        if (error != null) b.append("<div class=\"error\" role=\"alert\" id=\"error\">").append(esc(error)).append("</div>");
        b.append("<form method=\"post\" action=\"").append(RatingPageController.PATH).append('/').append(esc(inv.token()))
                .append("\" accept-charset=\"UTF-8\">");
        b.append("<fieldset><legend>Mức độ hài lòng của Ông/Bà</legend><div class=\"stars\">");
        for (int i = 5; i >= 1; i--) {
            b.append("<input type=\"radio\" name=\"stars\" value=\"").append(i).append("\" id=\"star").append(i).append('"')
                    .append(i == 5 ? " required" : "").append('>');
            b.append("<label for=\"star").append(i).append("\" title=\"").append(STAR_WORDS[i]).append("\" aria-label=\"")
                    .append(i).append(" sao: ").append(STAR_WORDS[i]).append("\">★</label>");
        }
        b.append("</div><div class=\"note\">1 sao: rất không hài lòng · 5 sao: rất hài lòng</div></fieldset>");
        if (!reasons.isEmpty()) {
            b.append("<fieldset class=\"reasons\"><legend>Lý do (có thể chọn nhiều)</legend>");
            for (int i = 0; i < reasons.size(); i++) {
                b.append("<label><input type=\"checkbox\" name=\"reasons\" value=\"").append(esc(reasons.get(i)))
                        .append("\" id=\"reason").append(i).append("\"> ").append(esc(reasons.get(i))).append("</label>");
            }
            b.append("</fieldset>");
        }
        b.append("<fieldset><legend><label for=\"comment\">Ý kiến khác (không bắt buộc)</label></legend>");
        b.append("<textarea id=\"comment\" name=\"comment\" maxlength=\"").append(commentMax).append("\"></textarea>");
        b.append("<div class=\"note\">Vui lòng không ghi số điện thoại, số định danh cá nhân hay thông tin cá nhân khác.</div></fieldset>");
        b.append("<button type=\"submit\" id=\"submit\">Gửi đánh giá</button></form>");
        return page("Đánh giá mức độ hài lòng", b.toString());
    }

    static String thanks(int stars) {
        return page("Cảm ơn Ông/Bà", "<h2 id=\"thanks\">Cảm ơn Ông/Bà đã đánh giá!</h2><p>Ông/Bà đã đánh giá "
                + stars + " sao (" + STAR_WORDS[stars] + "). Ý kiến của Ông/Bà giúp chúng tôi phục vụ tốt hơn.</p>");
    }

    static String message(String title, String text) {
        return page(title, "<h2 id=\"message\">" + esc(title) + "</h2><p>" + esc(text) + "</p>");
    }

    private static String page(String title, String body) {
        return "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\">"
                + "<title>" + esc(title) + " - Trung tâm Phục vụ hành chính công</title><style>" + STYLE + "</style></head><body>"
                + "<header><h1>Trung tâm Phục vụ hành chính công</h1></header><main>" + body + "</main></body></html>";
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
