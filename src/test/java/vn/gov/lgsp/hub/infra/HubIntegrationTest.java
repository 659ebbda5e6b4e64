package vn.gov.lgsp.hub.infra;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;
import vn.gov.lgsp.hub.HubApplication;

/**
 * An end-to-end test of the hub on real infrastructure: embedded Kafka (KRaft), PostgreSQL and Artemis, and the
 * partner simulators on loopback HTTP. All such tests share one Spring context (and one infrastructure), so
 * keep their test properties identical; assert on what is specific to your own dossiers.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = SharedInfrastructure.class)
@ActiveProfiles("test")
// Spring Boot switches metrics export off in tests; the hub's Prometheus endpoint is part of what is tested
@AutoConfigureObservability(tracing = false)
public @interface HubIntegrationTest {
}
