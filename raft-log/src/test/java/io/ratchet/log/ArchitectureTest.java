package io.ratchet.log;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** raft-log is a log of opaque commands: it must not know the coordinator that uses it. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.ratchet.log");

    @Test
    void knowsNothingOfTheNode() {
        noClasses().that().resideInAPackage("io.ratchet.log..")
                .should().dependOnClassesThat().resideInAnyPackage("io.ratchet.node..", "io.ratchet.api..", "io.vertx..")
                .check(CLASSES);
    }

    @Test
    void journalAndSnapshotFormatsDoNotDependOnRatis() {
        noClasses()
            .that().resideInAnyPackage("io.ratchet.log.journal..", "io.ratchet.log.snapshot..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.ratis..")
                .check(CLASSES);
    }
}
