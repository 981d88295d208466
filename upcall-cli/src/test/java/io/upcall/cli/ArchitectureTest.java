package io.upcall.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
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

    /** The packages of upcall-core, one slice each; the root package ({@code Upcall}) is one too. */
    private static final SliceAssignment CORE_PACKAGES = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
            String p = c.getPackageName();
            if (!p.equals("io.upcall.core") && !p.startsWith("io.upcall.core.")) {
                return SliceIdentifier.ignore();
            }
            String rest = p.substring("io.upcall.core".length());
            return SliceIdentifier.of(rest.isEmpty() ? "core" : rest.substring(1).split("\\.")[0]);
        }

        @Override
        public String getDescription() {
            return "the packages of upcall-core";
        }
    };

    @Test
    void corePackagesFollowTheDataWithoutCycles() {
        slices().assignedFrom(CORE_PACKAGES).should().beFreeOfCycles().check(CLASSES);
    }

    /** The internal packages are core's own: the CLI, like any user, sees the API. */
    @Test
    void theCliUsesOnlyCoresApi() {
        noClasses().that().resideInAPackage("io.upcall.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("io.upcall.core.pipeline..", "io.upcall.core.netlink..",
                        "io.upcall.core.procfs..")
                .check(CLASSES);
    }

    /** Adding a channel must not touch the entry point: it finds channels through the registry, never by name. */
    @Test
    void theEntryPointNamesNoChannel() {
        noClasses().that().resideInAPackage("io.upcall.core")
                .should().dependOnClassesThat().resideInAnyPackage("io.upcall.core.proc..", "io.upcall.core.device..",
                        "io.upcall.core.audit..", "io.upcall.core.acct..")
                .check(CLASSES);
    }

    @Test
    void coreExportsOnlyItsApi() throws IOException {
        ModuleDescriptor core = descriptor("io.upcall.core");
        Set<String> exported = core.exports().stream().map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(exported).containsExactlyInAnyOrder("io.upcall.core", "io.upcall.core.event", "io.upcall.core.json",
                "io.upcall.core.channel", "io.upcall.core.proc", "io.upcall.core.device", "io.upcall.core.audit", "io.upcall.core.capture",
                "io.upcall.core.hotplug", "io.upcall.core.relay", "io.upcall.core.coldplug", "io.upcall.core.acct",
                "io.upcall.core.file", "io.upcall.core.guard");
        assertThat(core.provides()).anySatisfy(p -> assertThat(p.service()).isEqualTo("io.upcall.core.channel.Channel"));
    }

    /** Compiled beside core's classes; the jars leave it out (see the jar plugin in the parent pom). */
    private static ModuleDescriptor descriptor(String name) throws IOException {
        Path file = Path.of("..", name.replace("io.upcall.", "upcall-"), "target", "classes", "module-info.class");
        try (InputStream in = Files.newInputStream(file)) {
            return ModuleDescriptor.read(in);
        }
    }
}
