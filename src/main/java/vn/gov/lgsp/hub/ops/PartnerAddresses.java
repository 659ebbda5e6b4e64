package vn.gov.lgsp.hub.ops;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * A connector's configuration naming the addresses it calls. At start the hub logs every partner's addresses as the
 * connectors will use them (after a simulator, in tests and the demo run, has repointed a partner), so an operator
 * sees at once which partner goes where. Credentials are never part of it.
 */
public interface PartnerAddresses {
    String partner();

    /** What each address is for ("base-url", ...) and the address. */
    Map<String, String> addresses();

    @Component
    class StartLog {
        private static final Logger log = LoggerFactory.getLogger(PartnerAddresses.class);
        private final ObjectProvider<PartnerAddresses> partners;

        public StartLog(ObjectProvider<PartnerAddresses> partners) {
            this.partners = partners;
        }

        @EventListener(ApplicationReadyEvent.class)
        public void logAddresses() {
            partners.orderedStream().forEach(p -> log.info("partner {} uses {}", p.partner(), p.addresses()));
        }
    }
}
