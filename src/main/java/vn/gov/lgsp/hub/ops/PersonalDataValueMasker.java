package vn.gov.lgsp.hub.ops;

import com.fasterxml.jackson.core.JsonStreamContext;
import net.logstash.logback.mask.ValueMasker;
import vn.gov.lgsp.hub.model.PersonalData;

/** Masks citizen IDs and phone numbers in every string of every JSON log line (message, MDC, stack traces). */
public class PersonalDataValueMasker implements ValueMasker {
    @Override
    public Object mask(JsonStreamContext context, Object value) {
        if (value instanceof CharSequence text) {
            String s = text.toString();
            String masked = PersonalData.maskText(s);
            return masked.equals(s) ? null : masked; // null = leave unchanged
        }
        return null;
    }
}
