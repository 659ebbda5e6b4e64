package vn.gov.lgsp.hub.cluster;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import net.javacrumbs.shedlock.provider.jdbctemplate.DatabaseProduct;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;
import net.javacrumbs.shedlock.support.KeepAliveLockProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Scheduled jobs run on one hub instance at a time, whatever the number of instances: each run takes the job's
 * lock row in PostgreSQL (ShedLock, table {@code shedlock}, the database's clock) and skips when another instance
 * holds it. Methods carry {@code @SchedulerLock(name = ...)}: every scheduled job of the hub is a Spring {@code @Scheduled}
 * method (one scheduling style; Camel timers are not used).
 *
 * <p>A lock is taken for {@code hub.cluster.lock-at-most-for} (30 s, ShedLock's keep-alive minimum) and renewed
 * every half of that while its job runs, so a long run keeps it, and released when the run ends: every run takes
 * it again, on whichever instance gets there first. A holder that dies (kill -9, lost machine) stops renewing:
 * its lock expires at most {@code lock-at-most-for} later and the next instance whose schedule fires takes over.
 */
@Configuration(proxyBeanMethods = false)
@EnableSchedulerLock(defaultLockAtMostFor = "${hub.cluster.lock-at-most-for:PT30S}")
public class SingletonJobs implements org.springframework.beans.factory.DisposableBean {
    /**
     * Renews the locks of running jobs. Not a bean: an Executor bean would displace Spring Boot's task executor and
     * become the scheduler of every {@code @Scheduled} method.
     */
    private final ScheduledExecutorService keepAlive = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "singleton-job-keep-alive");
        t.setDaemon(true);
        return t;
    });

    /** Names this instance in the lock rows ({@code locked_by}): host and process. */
    public static String instanceId() {
        String host;
        try {
            host = System.getenv().getOrDefault("HOSTNAME", InetAddress.getLocalHost().getHostName());
        } catch (Exception e) {
            host = "unknown-host";
        }
        return host + "/" + ManagementFactory.getRuntimeMXBean().getPid();
    }

    @Override
    public void destroy() {
        keepAlive.shutdownNow();
    }

    @Bean
    public LockProvider singletonJobLocks(DataSource dataSource) {
        JdbcTemplateLockProvider rows = new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(dataSource))
                .withTableName("shedlock")
                .withDatabaseProduct(DatabaseProduct.POSTGRES_SQL)
                .withLockedByValue(instanceId())
                .usingDbTime() // one clock for all instances: the database's
                .build());
        return new KeepAliveLockProvider(rows, keepAlive);
    }

}
