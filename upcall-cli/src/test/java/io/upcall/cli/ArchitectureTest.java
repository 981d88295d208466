package io.upcall.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The layering DESIGN.md fixes, checked on the compiled classes of every module. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.upcall");

    @Test
    void seesEveryModule() {
        for (String c : new String[] {"io.upcall.linux.Native", "io.upcall.protocol.cnproc.CnProcDecoder",
                "io.upcall.core.Upcall", "io.upcall.cli.Main"}) {
            org.assertj.core.api.Assertions.assertThat(CLASSES.contain(c)).as(c).isTrue();
        }
    }

    @Test
    void onlyTheLinuxModuleTouchesTheLinker() {
        noClasses().that().resideOutsideOfPackage("io.upcall.linux..")
                .should().dependOnClassesThat().haveFullyQualifiedName("java.lang.foreign.Linker")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.foreign.SymbolLookup")
                .check(CLASSES);
    }

    @Test
    void onlyTheCliWritesToStandardOutput() {
        noClasses().that().resideOutsideOfPackage("io.upcall.cli..")
                .should().accessField(System.class, "out")
                .check(CLASSES);
    }

    @Test
    void protocolIsPureAndDependsOnNothingOfOurs() {
        noClasses().that().resideInAPackage("io.upcall.protocol..")
                .should().dependOnClassesThat().resideInAnyPackage("io.upcall.linux..", "io.upcall.core..", "io.upcall.cli..",
                        "java.io..", "java.nio.file..", "java.net..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.Thread")
                .check(CLASSES);
    }

    @Test
    void onlyTheCliReadsYaml() {
        noClasses().that().resideOutsideOfPackage("io.upcall.cli..")
                .should().dependOnClassesThat().resideInAPackage("org.snakeyaml..")
                .check(CLASSES);
    }

    @Test
    void dependenciesPointDown() {
        noClasses().that().resideInAPackage("io.upcall.linux..")
                .should().dependOnClassesThat().resideInAnyPackage("io.upcall.protocol..", "io.upcall.core..", "io.upcall.cli..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("io.upcall.core..")
                .should().dependOnClassesThat().resideInAPackage("io.upcall.cli..")
                .check(CLASSES);
    }
}
