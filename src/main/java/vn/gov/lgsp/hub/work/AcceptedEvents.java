package vn.gov.lgsp.hub.work;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.springframework.stereotype.Component;
import vn.gov.lgsp.hub.model.DossierEvent;

/**
 * The dossier events this instance's intake accepted lately, as the intake parsed them, by their exact text: a
 * connector of the same instance takes a work body's event from here instead of parsing the text a second time (the
 * national portal's guard read spent about 9 % of the hub's CPU flat out doing so: bench/PROFILING.md, "A thirteenth
 * look"). The text is the key, so what is returned is what parsing that text gives, whatever the work is; a body not
 * here (another instance's intake, work that waited past the last {@link #CAPACITY} events, everything after a
 * restart) is parsed as before.
 *
 * <p>The events are shared between threads: read them, never change them (their detail is a JSON tree).
 */
@Component
public class AcceptedEvents {
    /** About 4 s of intake flat out, 20 s at 200 events/s; some 20 MB at most. */
    static final int CAPACITY = 4096;

    private final ObjectMapper json;
    private final Map<String, DossierEvent> byText = new ConcurrentHashMap<>();
    private final Queue<String> oldestFirst = new ConcurrentLinkedQueue<>();

    public AcceptedEvents(ObjectMapper json) {
        this.json = json;
    }

    /** An event the intake accepted, with the text that goes on the partners' work queues. */
    public void remember(String text, DossierEvent event) {
        if (byText.putIfAbsent(text, event) != null) return;
        oldestFirst.add(text);
        while (byText.size() > CAPACITY) {
            String oldest = oldestFirst.poll();
            if (oldest == null) break;
            byText.remove(oldest);
        }
    }

    /** The event a work body holds: the intake's when this instance accepted it lately, else parsed from the text. */
    public DossierEvent parse(String text) throws JsonProcessingException {
        DossierEvent known = byText.get(text);
        return known != null ? known : json.readValue(text, DossierEvent.class);
    }
}
