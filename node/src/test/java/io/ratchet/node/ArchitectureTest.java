package io.ratchet.node;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import java.util.concurrent.CompletableFuture;

/** The event loop is never blocked: HTTP handlers must not wait on futures or sleep. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.ratchet.node");

    @Test
    void httpNeverBlocks() {
        noClasses().that().resideInAPackage("io.ratchet.node.http..")
                .should().callMethod(CompletableFuture.class, "get")
                .orShould().callMethod(CompletableFuture.class, "join")
                .orShould().callMethod(Thread.class, "sleep", long.class)
                .orShould().callMethod(io.vertx.core.Future.class, "await")
                .check(CLASSES);
    }

    @Test
    void httpDoesNotReachIntoRatis() {
        noClasses().that().resideInAPackage("io.ratchet.node..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.ratis..", "net.openhft..")
                .check(CLASSES);
    }
}
