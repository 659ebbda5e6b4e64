package vn.gov.lgsp.hub.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.ClassPathResource;

/** Starts the embedded infrastructure once per test JVM and points each test context at it. */
public class SharedInfrastructure implements ApplicationContextInitializer<ConfigurableApplicationContext> {
    private static EmbeddedInfrastructure infra;

    public static synchronized EmbeddedInfrastructure get() {
        if (infra == null) {
            // stops itself, after the test contexts, at the JVM's exit; Kafka on a fixed port so that an outage test can
            // stop its broker and start it again where the test hub's clients look for it (KafkaOutageIT)
            infra = new EmbeddedInfrastructure(freeKafkaPort(), null, 0);
        }
        return infra;
    }

    private static int freeKafkaPort() {
        try {
            return ChildJvm.freePort();
        } catch (Exception e) {
            throw new IllegalStateException("no free port for the embedded Kafka", e);
        }
    }

    /** After the last test: stops the test hubs (Spring's cached contexts), then the infrastructure. */
    public static synchronized void stop() {
        if (infra == null) return;
        infra.close();
        infra = null;
    }

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        try {
            Path artemis = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "artemis-");
            Map<String, Object> props = new LinkedHashMap<>(get().hubProperties(artemis));
            get().closeFirst(context);
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("embedded-infrastructure", props));
            // the test profile outranks everything (the connectors' defaults, connectors/*/config.yml, are below all else)
            // and the test profile must also win over config/application.yml
            for (var source : new YamlPropertySourceLoader().load("test-profile", new ClassPathResource("application-test.yml"))) {
                context.getEnvironment().getPropertySources().addFirst(source);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
