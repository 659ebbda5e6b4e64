package vn.gov.lgsp.hub.infra;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Once every test has run, stops the test hubs and then the shared Kafka and PostgreSQL, before the JVM exits.
 * At the exit itself the embedded Kafka's own hook deletes its log folders while the cached test contexts are
 * still stopping, and their Kafka clients then retry until Surefire kills the JVM 30 s later.
 * Registered in META-INF/services/org.junit.platform.launcher.TestExecutionListener.
 */
public class StopInfrastructureAtTheEnd implements TestExecutionListener {
    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        SharedInfrastructure.stop();
    }
}
