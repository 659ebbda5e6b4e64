package vn.gov.lgsp.hub;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The province's integration hub (LGSP). Connectors live under {@code vn.gov.lgsp.connector.*}
 * (sources in {@code connectors/<partner>/java}) and are picked up by the component scan.
 */
@SpringBootApplication(scanBasePackages = {"vn.gov.lgsp.hub", "vn.gov.lgsp.connector"})
@ConfigurationPropertiesScan(basePackages = {"vn.gov.lgsp.hub", "vn.gov.lgsp.connector"})
@EnableScheduling
public class HubApplication {
    public static void main(String[] args) {
        SpringApplication.run(HubApplication.class, args);
    }
}
