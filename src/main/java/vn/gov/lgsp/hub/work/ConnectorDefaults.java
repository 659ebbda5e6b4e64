package vn.gov.lgsp.hub.work;

import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Each connector's own configuration defaults, {@code connectors/<partner>/config.yml}, found by that convention (a new
 * connector is not listed anywhere) and added below every other source: {@code config/application.yml}, profiles,
 * environment variables and command-line arguments all override a connector's default.
 *
 * <p>Registered in {@code META-INF/spring.factories}; runs after Spring Boot has loaded the application's own files.
 */
public class ConnectorDefaults implements EnvironmentPostProcessor, Ordered {
    static final String PATTERN = "classpath*:connectors/*/config.yml";
    /** The name of each connector's property source starts with this (then the connector's folder name). */
    public static final String SOURCE_PREFIX = "connector defaults: ";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        YamlPropertySourceLoader yaml = new YamlPropertySourceLoader();
        try {
            Resource[] found = new PathMatchingResourcePatternResolver().getResources(PATTERN);
            // in a stable order (the class path's order varies between a jar and an IDE); connectors set disjoint keys
            Arrays.sort(found, Comparator.comparing(r -> String.valueOf(r.getDescription())));
            for (Resource r : found) {
                String connector = connectorOf(r);
                for (PropertySource<?> source : yaml.load(SOURCE_PREFIX + connector, r)) {
                    environment.getPropertySources().addLast(source);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the connectors' defaults (" + PATTERN + ")", e);
        }
    }

    /** connectors/&lt;partner&gt;/config.yml -> &lt;partner&gt;. */
    private static String connectorOf(Resource r) throws IOException {
        String path = r.getURL().toString();
        int end = path.lastIndexOf("/config.yml");
        return path.substring(path.lastIndexOf('/', end - 1) + 1, end);
    }

    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 1;
    }
}
