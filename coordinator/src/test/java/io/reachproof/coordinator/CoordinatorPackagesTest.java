package io.reachproof.coordinator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's package structure, checked on its compiled classes: no package cycles, nothing in the root
 * package, and the pure core (plan, evaluate, registry, gate, signal) depends on no edge package and no framework.
 * Checkstyle's import-control checks the same core by its imports; this checks what the bytecode really uses.
 */
class CoordinatorPackagesTest {

    private static final String[] PURE = {
        "io.reachproof.coordinator.plan..", "io.reachproof.coordinator.evaluate..",
        "io.reachproof.coordinator.registry..", "io.reachproof.coordinator.gate..",
        "io.reachproof.coordinator.signal.."};

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("io.reachproof.coordinator");

    @Test
    void coordinatorPackagesHaveNoCycles() {
        slices().matching("io.reachproof.coordinator.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void everyCoordinatorClassLivesInAPackageWithOnePurpose() {
        noClasses().should().resideInAPackage("io.reachproof.coordinator").check(MAIN);
    }

    @Test
    void pureCoreUsesNoFrameworkThreadsOrIo() {
        noClasses().that().resideInAnyPackage(PURE).should().dependOnClassesThat().resideInAnyPackage(
                "io.netty..", "org.quartz..", "io.opentelemetry..", "io.fabric8.kubernetes.client..", "org.slf4j..",
                "java.net..", "java.nio.file..", "java.nio.channels..", "java.io..")
                .check(MAIN);
        noClasses().that().resideInAnyPackage(PURE).should().dependOnClassesThat().haveFullyQualifiedName(
                "java.util.concurrent.Executors").orShould().dependOnClassesThat().haveFullyQualifiedName(
                "java.util.concurrent.ScheduledExecutorService").orShould().dependOnClassesThat()
                .haveFullyQualifiedName("java.lang.Thread")
                .check(MAIN);
    }

    @Test
    void pureCoreDependsOnlyOnTheCoreItself() {
        classes().that().resideInAnyPackage(PURE).should().onlyDependOnClassesThat().resideInAnyPackage(
                "java..", "io.reachproof.protocol..", "io.reachproof.expectations..", "io.reachproof.policy..",
                "io.reachproof.yaml..", "io.reachproof.coordinator.plan..", "io.reachproof.coordinator.evaluate..",
                "io.reachproof.coordinator.registry..", "io.reachproof.coordinator.gate..",
                "io.reachproof.coordinator.signal..")
                .check(MAIN);
    }
}
