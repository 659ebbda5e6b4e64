package vn.gov.lgsp.hub;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.Test;
import vn.gov.lgsp.hub.work.PartnerConnector;

/**
 * The layout's rules: the core imports no connector; no connector imports another; partners' REST APIs are called
 * through the one shared HTTP client stack; the core reaches connectors only through {@link PartnerConnector}.
 */
class ArchitectureTest {
    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("vn.gov.lgsp");

    @Test
    void coreImportsNoConnector() {
        noClasses().that().resideInAPackage("vn.gov.lgsp.hub..")
                .should().dependOnClassesThat().resideInAPackage("vn.gov.lgsp.connector..")
                .check(PRODUCTION);
    }

    @Test
    void connectorsDoNotImportEachOther() {
        SlicesRuleDefinition.slices().matching("vn.gov.lgsp.connector.(*)..")
                .should().notDependOnEachOther()
                .check(PRODUCTION);
    }

    @Test
    void partnersRestApisAreCalledThroughTheSharedHttpStack() {
        noClasses().that().resideInAPackage("vn.gov.lgsp.connector..")
                .should().dependOnClassesThat().resideInAPackage("java.net.http..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.apache.hc.client5.http.impl.classic.HttpClients")
                .orShould().dependOnClassesThat().resideInAPackage("org.apache.hc.client5.http.impl.io..")
                .because("vn.gov.lgsp.hub.http.PartnerHttp makes every partner's client the same way (pool, time-outs, no redirects)")
                .check(PRODUCTION);
    }

    @Test
    void everyPartnerWorkerCallsAConnectorThroughTheInterface() {
        // the connectors the worker finds by name: one per partner with a queue
        org.assertj.core.api.Assertions.assertThat(PRODUCTION.get(PartnerConnector.class).getAllSubclasses().stream()
                        .map(c -> c.getPackageName().replace("vn.gov.lgsp.connector.", "")))
                .contains("onestop", "nationalportal", "vnpost", "vietinbank", "zalo", "sms", "police", "tax");
    }

    @Test
    void productionCodeHasConnectorsAndCore() {
        // guards the rules above against passing vacuously (e.g. if the connector sources stopped compiling in)
        org.assertj.core.api.Assertions.assertThat(PRODUCTION.stream().map(c -> c.getPackageName()))
                .anyMatch(p -> p.startsWith("vn.gov.lgsp.connector.onestop"))
                .anyMatch(p -> p.startsWith("vn.gov.lgsp.hub.work"));
    }
}
