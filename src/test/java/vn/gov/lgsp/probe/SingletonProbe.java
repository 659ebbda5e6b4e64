package vn.gov.lgsp.probe;

import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import vn.gov.lgsp.hub.cluster.SingletonJobs;

/**
 * A cluster member reduced to the hub's singleton-job machinery ({@link SingletonJobs}) and one job, run as a
 * separate JVM by SingletonJobsIT (outside the hub's packages, so that no hub context scans it): each run of the job is recorded in probe_run with the instance that
 * ran it, when it started and when it finished. A run lasts {@code probe.work-ms}, or as long as probe_control
 * asks for (the test makes one run outlast the lock's lockAtMostFor).
 */
@SpringBootConfiguration
@ImportAutoConfiguration({DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class, FlywayAutoConfiguration.class,
        TaskSchedulingAutoConfiguration.class})
@Import(SingletonJobs.class)
@EnableScheduling
public class SingletonProbe {
    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(SingletonProbe.class);
        app.setWebApplicationType(org.springframework.boot.WebApplicationType.NONE);
        app.run(args);
    }

    @Bean
    public Job probeJob(JdbcTemplate jdbc) {
        return new Job(jdbc, System.getProperty("probe.instance"), Long.getLong("probe.work-ms", 1500));
    }

    public static class Job {
        private final JdbcTemplate jdbc;
        private final String instance;
        private final long workMs;

        Job(JdbcTemplate jdbc, String instance, long workMs) {
            this.jdbc = jdbc;
            this.instance = instance;
            this.workMs = workMs;
        }

        @Scheduled(fixedDelay = 200)
        @SchedulerLock(name = "probe-job")
        public void run() throws InterruptedException {
            Long id = jdbc.queryForObject("INSERT INTO probe.probe_run (instance, started_at) VALUES (?, clock_timestamp()) RETURNING id",
                    Long.class, instance);
            long ms = jdbc.queryForObject("SELECT coalesce(max(work_ms), ?) FROM probe.probe_control", Long.class, workMs);
            Thread.sleep(ms); // the job's work
            jdbc.update("UPDATE probe.probe_run SET finished_at = clock_timestamp() WHERE id = ?", id);
        }
    }
}
