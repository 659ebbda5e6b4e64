package vn.gov.lgsp.hub.infra;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * The partner simulators' rules (tests and the demo run). Each partner's simulator is switched by
 * {@code hub.simulators.<partner>.enabled}, which defaults to {@code hub.simulators.enabled} (the conditions on the
 * simulator configurations). A partner address configured explicitly (its environment variable, a system property,
 * a command-line argument, a test property: anything but the connector's own defaults in connectors/<partner>/config.yml) always
 * wins: that partner's simulator then runs unused and the connector keeps its address and credentials.
 */
public final class SimulatorSwitch {
    private static final Logger log = LoggerFactory.getLogger(SimulatorSwitch.class);

    private SimulatorSwitch() {}

    /**
     * True when the simulator may repoint the partner: its address {@code key} was not configured explicitly.
     * {@code envVar} is the variable connectors/&lt;partner&gt;/config.yml reads the address from.
     */
    public static boolean mayRepoint(Environment env, String partner, String key, String envVar) {
        String explicit = explicitSource(env, key, envVar);
        if (explicit == null) return true;
        log.info("partner {}: {} configured explicitly ({}), its simulator is not used", partner, key, explicit);
        return false;
    }

    static String explicitSource(Environment env, String key, String envVar) {
        String variable = System.getenv(envVar);
        if (variable != null && !variable.isBlank()) return "environment variable " + envVar;
        if (!(env instanceof ConfigurableEnvironment configurable)) return null;
        for (PropertySource<?> source : configurable.getPropertySources()) {
            // Spring's view of all the others, first in the list: the source that really defines the key follows
            if (ConfigurationPropertySources.isAttachedConfigurationPropertySource(source)) continue;
            if (!source.containsProperty(key)) continue;
            // the connector's defaults (connectors/<partner>/config.yml, with its placeholder left at its default) are no choice
            if (source.getName().startsWith(vn.gov.lgsp.hub.work.ConnectorDefaults.SOURCE_PREFIX)) return null;
            Object value = source.getProperty(key);
            return value == null || value.toString().isBlank() ? null : source.getName();
        }
        return null;
    }
}
