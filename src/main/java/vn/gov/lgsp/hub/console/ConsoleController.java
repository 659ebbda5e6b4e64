package vn.gov.lgsp.hub.console;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import vn.gov.lgsp.hub.audit.AuditController;
import vn.gov.lgsp.hub.ops.QueueMetrics;
import vn.gov.lgsp.hub.security.HubRoles;
import vn.gov.lgsp.hub.work.DeadLetters;
import vn.gov.lgsp.hub.work.PartnerWorkRoutes;
import vn.gov.lgsp.hub.work.PartnerWorker;
import vn.gov.lgsp.hub.work.QueueProperties;

/**
 * The operations console (README.md, Console): server-rendered pages (Thymeleaf, templates/console) over the same
 * services the API uses; the session of the console chain (SecurityConfig.consoleChain), never the API's tokens.
 * Who may act is decided by SecurityConfig (replay: operator; chain check: auditor); the pages only hide what the
 * user may not do.
 */
@Controller
public class ConsoleController {
    static final ZoneId VN = ZoneId.of("Asia/Ho_Chi_Minh");
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm").withZone(VN);
    private static final DateTimeFormatter TIME_SECONDS = DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm:ss").withZone(VN);

    private final QueueProperties queues;
    private final PartnerWorkRoutes work;
    private final QueueMetrics queueMetrics;
    private final DeadLetters deadLetters;
    private final AuditController audit;
    private final ObjectProvider<ConsoleDossierStatus> dossierStatuses;

    public ConsoleController(QueueProperties queues, PartnerWorkRoutes work, QueueMetrics queueMetrics, DeadLetters deadLetters,
                             AuditController audit, ObjectProvider<ConsoleDossierStatus> dossierStatuses) {
        this.queues = queues;
        this.work = work;
        this.queueMetrics = queueMetrics;
        this.deadLetters = deadLetters;
        this.audit = audit;
        this.dossierStatuses = dossierStatuses;
    }

    // ---- overview

    @GetMapping(path = "/console", produces = MediaType.TEXT_HTML_VALUE)
    public String overview(Authentication user, Model model) {
        common(user, model, "overview");
        model.addAttribute("overview", overviewData());
        return "console/overview";
    }

    /** The overview's figures, polled by the page every 5 s. */
    @GetMapping(path = "/console/api/overview", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    public Map<String, Object> overviewData() {
        Map<String, Long> open = deadLetters.openCountsByPartner();
        Map<String, AtomicLong> depths = queueMetrics.depths();
        Map<String, PartnerWorker> workers = work.workers();
        List<Map<String, Object>> partners = new ArrayList<>();
        for (String p : new TreeSet<>(queues.getPartners().keySet())) {
            PartnerWorker w = workers.get(p);
            String circuit = w == null ? "UNKNOWN" : w.circuit().getState().name();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("partner", p);
            row.put("circuit", circuit);
            row.put("health", health(w == null ? null : w.circuit().getState()));
            AtomicLong depth = depths.get(p);
            row.put("queueDepth", depth == null ? -1 : depth.get());
            row.put("openDeadLetters", open.getOrDefault(p, 0L));
            partners.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("partners", partners);
        out.put("openDeadLetters", open.values().stream().mapToLong(Long::longValue).sum());
        out.put("at", TIME_SECONDS.format(Instant.now()));
        return out;
    }

    /** up / degraded / down, as the staff say it (hoạt động / suy giảm / ngừng hoạt động). */
    static String health(CircuitBreaker.State state) {
        if (state == null) return "unknown";
        return switch (state) {
            case CLOSED, DISABLED, METRICS_ONLY -> "up";
            case HALF_OPEN -> "degraded";
            case OPEN, FORCED_OPEN -> "down";
        };
    }

    // ---- a dossier

    @GetMapping(path = "/console/dossiers", produces = MediaType.TEXT_HTML_VALUE)
    public String dossier(@RequestParam(required = false) String code, Authentication user, Model model) {
        common(user, model, "dossiers");
        String c = code == null ? "" : code.trim();
        model.addAttribute("code", c);
        if (!c.isEmpty()) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> records = (List<Map<String, Object>>) audit.timeline(c).get("records");
            List<Map<String, Object>> shown = new ArrayList<>();
            for (Map<String, Object> r : records) {
                Map<String, Object> s = new LinkedHashMap<>(r);
                s.put("time", TIME_SECONDS.format(Instant.parse((String) r.get("at"))));
                shown.add(s);
            }
            model.addAttribute("records", shown);
            List<Map<String, Object>> statuses = new ArrayList<>();
            dossierStatuses.orderedStream().forEach(s -> {
                Optional<Map<String, Object>> st = s.status(c);
                st.ifPresent(m -> statuses.add(Map.of("partner", s.partner(), "state", String.valueOf(m.get("state")), "detail", m)));
            });
            model.addAttribute("statuses", statuses);
            model.addAttribute("deadLetters", deadLetters.list(null, c, null, 50));
        }
        return "console/dossier";
    }

    // ---- dead letters

    @GetMapping(path = "/console/dead-letters", produces = MediaType.TEXT_HTML_VALUE)
    public String deadLetters(@RequestParam(required = false) String partner, @RequestParam(required = false) String status,
                              Authentication user, Model model) {
        common(user, model, "deadLetters");
        String p = partner == null || partner.isBlank() ? null : partner.trim();
        String s = status == null || status.isBlank() ? null : status.trim().toUpperCase();
        Instant now = Instant.now();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map<String, Object> d : deadLetters.list(p, null, s, 200)) {
            Map<String, Object> r = new LinkedHashMap<>(d);
            Instant created = Instant.parse((String) d.get("createdAt"));
            r.put("created", TIME.format(created));
            r.put("age", age(Duration.between(created, now)));
            r.put("replayed", d.get("replayedAt") == null ? null : TIME.format(Instant.parse((String) d.get("replayedAt"))));
            rows.add(r);
        }
        model.addAttribute("partner", p == null ? "" : p);
        model.addAttribute("status", s == null ? "" : s);
        model.addAttribute("partners", new TreeSet<>(queues.getPartners().keySet()));
        model.addAttribute("rows", rows);
        return "console/dead-letters";
    }

    /** Replays one dead letter, audited with the signed-in user (operators only: SecurityConfig.consoleChain). */
    @PostMapping("/console/dead-letters/{id}/replay")
    public String replay(@PathVariable long id, Authentication user, RedirectAttributes redirect,
                         @RequestParam(required = false) String partner, @RequestParam(required = false) String status) {
        DeadLetters.ReplayResult result = deadLetters.replay(id, user.getName());
        redirect.addFlashAttribute("replayId", id);
        redirect.addFlashAttribute("replayResult", result.name());
        redirect.addAttribute("partner", partner == null ? "" : partner);
        redirect.addAttribute("status", status == null ? "" : status);
        return "redirect:/console/dead-letters";
    }

    static String age(Duration d) {
        long m = Math.max(0, d.toMinutes());
        if (m < 60) return m + " ph";
        if (m < 48 * 60) return (m / 60) + " giờ " + (m % 60) + " ph";
        return (m / (24 * 60)) + " ngày";
    }

    // ---- audit log

    @GetMapping(path = "/console/audit", produces = MediaType.TEXT_HTML_VALUE)
    public String audit(Authentication user, Model model) {
        common(user, model, "audit");
        return "console/audit";
    }

    /** Recomputes the chain (auditors only: SecurityConfig.consoleChain). */
    @PostMapping(path = "/console/audit/verify", produces = MediaType.TEXT_HTML_VALUE)
    public String verify(Authentication user, Model model) {
        common(user, model, "audit");
        Map<String, Object> v = audit.verify();
        model.addAttribute("verify", v);
        model.addAttribute("verifiedAt", TIME_SECONDS.format(Instant.parse((String) v.get("checkedAt"))));
        return "console/audit";
    }

    // ----

    private void common(Authentication user, Model model, String page) {
        List<String> roles = new ArrayList<>();
        for (GrantedAuthority a : user.getAuthorities()) {
            if (a.getAuthority().startsWith("ROLE_")) roles.add(a.getAuthority().substring(5).toLowerCase());
        }
        model.addAttribute("userName", user.getName());
        model.addAttribute("roles", String.join(",", roles));
        model.addAttribute("isOperator", roles.contains(HubRoles.OPERATOR.toLowerCase()));
        model.addAttribute("isAuditor", roles.contains(HubRoles.AUDITOR.toLowerCase()));
        model.addAttribute("page", page);
    }
}
