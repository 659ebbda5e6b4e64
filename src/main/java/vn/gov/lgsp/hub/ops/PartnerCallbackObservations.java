package vn.gov.lgsp.hub.ops;

import io.micrometer.observation.ObservationPredicate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.observation.ServerRequestObservationContext;

/**
 * Partner callbacks (/api/v1/partners/**: Zalo webhook events, VNPost status pushes, VietinBank payment
 * notifications) are not timed as http.server.requests. They arrive at the rate of the hub's own traffic (a Zalo
 * delivery receipt for every ZNS), the timer cost a tenth of their handling, and every one of them is already
 * counted, by party and outcome, in hub_messages_total from its audit record.
 */
@Configuration
public class PartnerCallbackObservations {
    public static final String PARTNER_CALLBACKS = "/api/v1/partners/";

    @Bean
    public ObservationPredicate partnerCallbacksNotTimed() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext request
                && request.getCarrier() != null
                && request.getCarrier().getRequestURI().startsWith(PARTNER_CALLBACKS));
    }
}
