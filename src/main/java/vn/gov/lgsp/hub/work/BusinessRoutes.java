package vn.gov.lgsp.hub.work;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.Route;
import org.apache.camel.model.ExpressionNode;
import org.apache.camel.model.FilterDefinition;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.ToDefinition;
import org.apache.camel.model.language.ExpressionDefinition;
import org.apache.camel.support.DefaultExchange;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Which partners get work for a fact: a dossier event (route {@code on-<event-type>}, entry
 * {@code direct:on-<event-type>}) or a dossier update from a partner ({@code on-update-<update-type>}), as
 * {@code routes/*.yaml} say. A fact without a route plans none.
 *
 * <p>The routes stay Camel YAML, readable by an integration engineer who does not read Java, but they are not run
 * for every fact: each route's definition is read once into a list of steps (a partner, and the condition under
 * which it is planned) and evaluated in memory. A route may use two kinds of steps:
 * <pre>
 *   - to: direct:work-&lt;partner&gt;                       the partner gets work
 *   - filter:                                         the steps inside apply when the predicate holds
 *       simple: "${header.returnMethod} == 'POSTAL'"  (any Camel language; {{placeholders}} from the configuration)
 *       steps: [...]
 * </pre>
 * A route with any other kind of step is refused with an error naming it (the hub would not know what it means).
 * The predicates see the fact as the body and its facts as headers (eventType, dossierCode, channel, status,
 * returnMethod, unpaidFees for an event; updateType, dossierCode, source for an update).
 *
 * <p>"No route" is only an answer once Camel runs with the business routes loaded: before that (the web server
 * and the Kafka inbound may see traffic while the context is still starting) and while it stops, planning throws
 * {@link HubNotReadyException}, so the fact is refused or retried instead of being stored as accepted with no work.
 */
@Component
public class BusinessRoutes {
    private static final String WORK_ENTRY = "direct:work-";

    private final ObjectProvider<CamelContext> camelProvider; // the context is built from beans that use this one
    /** The context once looked up: a bean factory look-up on every plan cost 1-2 % of the hub's CPU at 200 events/s. */
    private volatile CamelContext camel;
    private final Map<String, Compiled> compiled = new ConcurrentHashMap<>();

    public BusinessRoutes(ObjectProvider<CamelContext> camelProvider) {
        this.camelProvider = camelProvider;
    }

    /** "DOSSIER_RECEIVED" -> direct:on-dossier-received. */
    public static String eventEntry(String eventType) {
        return "direct:on-" + kebab(eventType);
    }

    /** "PAYMENT_REQUESTED" -> direct:on-update-payment-requested. */
    public static String updateEntry(String updateType) {
        return "direct:on-update-" + kebab(updateType);
    }

    private static String kebab(String type) {
        return type.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** A partner planned when its condition holds (null: always). */
    record Step(String partner, Predicate when) {}

    /** A route as read from its definition: the running route it was read from, and its steps. */
    private record Compiled(Route route, List<Step> steps) {}

    /** The partners the fact's route plans, in the route's order, each once. */
    public List<String> plan(String entryUri, Object body, Map<String, Object> headers) {
        CamelContext camel = this.camel;
        if (camel == null) this.camel = camel = camelProvider.getObject();
        requireRunning(camel);
        // convention: a business route's id is its entry name (direct:on-result-ready -> on-result-ready)
        String routeId = entryUri.substring("direct:".length());
        Route route = camel.getRoute(routeId);
        if (route == null) return List.of();
        Compiled c = compiled.get(routeId);
        if (c == null || c.route() != route) { // first use, or the route was replaced
            c = new Compiled(route, compile(camel, routeId));
            compiled.put(routeId, c);
        }
        LinkedHashSet<String> planned = new LinkedHashSet<>();
        Exchange facts = null;
        for (Step s : c.steps()) {
            if (s.when() != null) {
                if (facts == null) {
                    facts = new DefaultExchange(camel);
                    facts.getMessage().setBody(body);
                    facts.getMessage().setHeaders(new java.util.HashMap<>(headers));
                }
                if (!s.when().matches(facts)) continue;
            }
            planned.add(s.partner());
        }
        return List.copyOf(planned);
    }

    /** Every partner any loaded business route may plan work for (for queues and start-up checks). */
    public java.util.Set<String> partnersNamed(CamelContext camel) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (Route r : camel.getRoutes()) {
            if (!r.getRouteId().startsWith("on-")) continue;
            compile(camel, r.getRouteId()).forEach(s -> names.add(s.partner()));
        }
        return names;
    }

    /** The route's definition as a list of steps; a step the hub does not understand is an error naming it. */
    static List<Step> compile(CamelContext camel, String routeId) {
        RouteDefinition definition = ((ModelCamelContext) camel).getRouteDefinition(routeId);
        if (definition == null) throw new IllegalStateException("business route " + routeId + " has no definition");
        List<Step> steps = new ArrayList<>();
        collect(camel, routeId, definition.getOutputs(), null, steps);
        return steps;
    }

    private static void collect(CamelContext camel, String routeId, List<ProcessorDefinition<?>> outputs, Predicate when, List<Step> steps) {
        for (ProcessorDefinition<?> p : outputs) {
            if (p instanceof ToDefinition to && to.getUri() != null && to.getUri().startsWith(WORK_ENTRY)) {
                steps.add(new Step(to.getUri().substring(WORK_ENTRY.length()), when));
            } else if (p instanceof FilterDefinition filter) {
                Predicate condition = predicate(camel, filter);
                Predicate both = when == null ? condition : org.apache.camel.support.builder.PredicateBuilder.and(when, condition);
                collect(camel, routeId, filter.getOutputs(), both, steps);
            } else {
                throw new IllegalStateException("business route " + routeId + ": a step '" + p.getShortName() + "' is not"
                        + " understood; use 'to: " + WORK_ENTRY + "<partner>' and 'filter' (routes/README in the README)");
            }
        }
    }

    private static Predicate predicate(CamelContext camel, ExpressionNode node) {
        ExpressionDefinition e = node.getExpression();
        String text = camel.resolvePropertyPlaceholders(e.getExpression());
        Predicate p = camel.resolveLanguage(e.getLanguage()).createPredicate(text);
        p.init(camel);
        return p;
    }

    /**
     * Camel is started (routes/*.yaml are loaded while it starts, before its status becomes Started) and has at
     * least one business route: else every fact would plan nothing and be accepted without its partner work.
     */
    private void requireRunning(CamelContext camel) {
        if (!camel.getStatus().isStarted()) {
            throw new HubNotReadyException("the business routes are not running (Camel is " + camel.getStatus() + ")");
        }
        if (!businessRoutesLoaded) {
            businessRoutesLoaded = camel.getRoutes().stream().anyMatch(r -> r.getRouteId().startsWith("on-"));
            if (!businessRoutesLoaded) throw new HubNotReadyException("no business route (routes/*.yaml) is loaded");
        }
    }

    private volatile boolean businessRoutesLoaded;
}
