package vn.gov.lgsp.hub.cluster;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.junit.jupiter.api.Test;
import org.springframework.scheduling.annotation.Scheduled;
import vn.gov.lgsp.hub.ops.QueueMetrics;

/** Every scheduled job of the hub and its connectors runs under a cluster lock, Camel timers included. */
class SingletonJobsTest {
    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("vn.gov.lgsp");

    @Test
    void everyScheduledMethodTakesItsClusterLock() {
        // the gauges are each instance's own view (every instance exports them): not a singleton
        methods().that().areAnnotatedWith(Scheduled.class)
                // gauges each instance exports for itself: every instance refreshes its own
                .and().areDeclaredInClassesThat().doNotHaveFullyQualifiedName(QueueMetrics.class.getName())
                .and().areDeclaredInClassesThat().doNotHaveFullyQualifiedName(vn.gov.lgsp.hub.ops.AuditVerifyMetrics.class.getName())
                .and().areDeclaredInClassesThat().doNotHaveFullyQualifiedName(vn.gov.lgsp.hub.ops.InboundLagMetrics.class.getName())
                .should().beAnnotatedWith(SchedulerLock.class)
                .check(PRODUCTION);
        assertThat(PRODUCTION.stream().flatMap(c -> c.getMethods().stream())
                .filter(m -> m.isAnnotatedWith(SchedulerLock.class)).map(m -> m.getAnnotationOfType(SchedulerLock.class).name()))
                .contains("vietinbank-reconciliation", "zalo-webhook-sweep", "zalo-token-refresh-ahead", "sms-release", "vnpost-poll")
                .doesNotHaveDuplicates();
    }
}
