package vn.gov.lgsp.hub.work;

import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Asks the business routes (routes/*.yaml) which partners get work for a fact: a dossier event
 * ({@code direct:on-<event-type>}) or a dossier update from a partner ({@code direct:on-update-<update-type>}).
 * A route plans work by calling {@code direct:work-<partner>}; a fact without a route plans none.
 *
 * <p>"No route" is only an answer once Camel runs with the business routes loaded: before that (the web server
 * and the Kafka inbound may see traffic while the context is still starting) and while it stops, planning throws
 * {@link HubNotReadyException}, so the fact is refused or retried instead of being stored as accepted with no work.
 */
@Component
public class BusinessRoutes {
    private final ObjectProvider<CamelContext> camelProvider; // the context is built from beans that use this one
    private volatile CamelContext camel;
    private volatile ProducerTemplate producer;
    private final Map<String, org.apache.camel.Endpoint> entries = new java.util.concurrent.ConcurrentHashMap<>();

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

    /** Runs the fact through its route, if there is one, and returns the partners it asked for, in order. */
    @SuppressWarnings("unchecked")
    public List<String> plan(String entryUri, Object body, Map<String, Object> headers) {
        CamelContext camel = context();
        requireRunning(camel);
        // convention: a business route's id is its entry name (direct:on-result-ready -> on-result-ready)
        if (camel.getRoute(entryUri.substring("direct:".length())) == null) return List.of();
        Exchange ex = new DefaultExchange(camel);
        ex.getMessage().setBody(body);
        ex.getMessage().setHeaders(new java.util.HashMap<>(headers));
        // endpoints resolved once, not from their URI for every event
        producer.send(entries.computeIfAbsent(entryUri, camel::getEndpoint), ex);
        if (ex.getException() != null) {
            throw new IllegalStateException("business route " + entryUri + " failed: " + ex.getException().getMessage(), ex.getException());
        }
        List<String> planned = ex.getProperty(PartnerWorkRoutes.PLANNED, List.class);
        return planned == null ? List.of() : planned;
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

    private CamelContext context() {
        CamelContext camel = this.camel;
        if (camel == null) {
            synchronized (this) {
                if (this.camel == null) {
                    CamelContext context = camelProvider.getObject();
                    this.producer = context.createProducerTemplate();
                    this.camel = context; // published last: a caller that sees it sees the producer
                }
                camel = this.camel;
            }
        }
        return camel;
    }
}
