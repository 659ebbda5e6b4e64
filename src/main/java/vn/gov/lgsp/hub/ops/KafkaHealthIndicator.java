package vn.gov.lgsp.hub.ops;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/** Actuator health "kafka": the cluster answers, with its id and broker count. */
@Component("kafka")
public class KafkaHealthIndicator implements HealthIndicator, DisposableBean {
    private final KafkaClientProperties kafka;
    private volatile Admin admin;

    public KafkaHealthIndicator(KafkaClientProperties kafka) {
        this.kafka = kafka;
    }

    private Admin admin() {
        if (admin == null) {
            synchronized (this) {
                if (admin == null) {
                    admin = Admin.create(kafka.clientConfig(Map.of(
                            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000)));
                }
            }
        }
        return admin;
    }

    @Override
    public Health health() {
        try {
            DescribeClusterResult cluster = admin().describeCluster(new DescribeClusterOptions().timeoutMs(4000));
            String id = cluster.clusterId().get(5, TimeUnit.SECONDS);
            int nodes = cluster.nodes().get(5, TimeUnit.SECONDS).size();
            return Health.up().withDetail("bootstrapServers", kafka.getBootstrapServers()).withDetail("clusterId", id).withDetail("brokers", nodes).build();
        } catch (Exception e) {
            return Health.down().withDetail("bootstrapServers", kafka.getBootstrapServers()).withDetail("error", String.valueOf(e.getMessage())).build();
        }
    }

    @Override
    public void destroy() {
        if (admin != null) admin.close();
    }
}
