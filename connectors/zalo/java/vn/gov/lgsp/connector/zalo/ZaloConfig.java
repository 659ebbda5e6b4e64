package vn.gov.lgsp.connector.zalo;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import vn.gov.lgsp.hub.work.DossierUpdates;

@Configuration
public class ZaloConfig {
    /** The connector's clock (token expiry, "no Zalo" memory): a bean so tests and the demo can move time. */
    /**
     * The rating invitations' quiet hours are the SMS connector's unless hub.partners.zalo.rating.quiet-start/-end
     * say otherwise (the same keys, read as configuration: connectors share no code).
     */
    @Bean
    public org.springframework.beans.factory.SmartInitializingSingleton zaloRatingQuietHours(ZaloProperties props,
                                                                                             org.springframework.core.env.Environment env) {
        ZaloProperties.Rating r = props.getRating();
        if (r.getQuietStart() == null) r.setQuietStart(java.time.LocalTime.parse(env.getProperty("hub.partners.sms.quiet-start", "21:00")));
        if (r.getQuietEnd() == null) r.setQuietEnd(java.time.LocalTime.parse(env.getProperty("hub.partners.sms.quiet-end", "07:00")));
        return () -> { };
    }

    @Bean("zaloClock")
    public Clock zaloClock() {
        return Clock.system(DossierUpdates.VIETNAM);
    }
}
