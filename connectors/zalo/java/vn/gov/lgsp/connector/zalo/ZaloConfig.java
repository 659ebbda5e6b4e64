package vn.gov.lgsp.connector.zalo;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import vn.gov.lgsp.hub.work.DossierUpdates;

@Configuration
public class ZaloConfig {
    /** The connector's clock (token expiry, "no Zalo" memory): a bean so tests and the demo can move time. */
    @Bean("zaloClock")
    public Clock zaloClock() {
        return Clock.system(DossierUpdates.VIETNAM);
    }
}
