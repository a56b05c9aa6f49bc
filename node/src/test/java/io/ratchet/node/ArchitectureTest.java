package io.ratchet.node;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import java.util.concurrent.CompletableFuture;

/** The layering of DESIGN.md: a pure model, an event loop that never blocks, and the log behind its API. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.ratchet.node");

    @Test
    void theEventLoopCodeNeverBlocks() {
        noClasses().that().resideInAnyPackage("io.ratchet.node.http..", "io.ratchet.node.engine..")
                .should().callMethod(CompletableFuture.class, "get")
                .orShould().callMethod(CompletableFuture.class, "join")
                .orShould().callMethod(Thread.class, "sleep", long.class)
                .orShould().callMethod(io.vertx.core.Future.class, "await")
                .check(CLASSES);
    }

    @Test
    void theModelIsPure() {
        noClasses().that().resideInAPackage("io.ratchet.node.model..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "org.apache.ratis..", "net.openhft..",
                        "org.rocksdb..", "io.ratchet.log..", "io.ratchet.node.store..", "io.ratchet.node.engine..", "io.ratchet.node.http..")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .check(CLASSES);
    }

    @Test
    void nodeCodeDoesNotReachIntoRatisOrChronicle() {
        noClasses().that().resideInAPackage("io.ratchet.node..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.ratis..", "net.openhft..")
                .check(CLASSES);
    }
}
