package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upcall.core.hotplug.HotplugRule;
import io.upcall.core.hotplug.HotplugRules;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Rules files: the README's example as is, every key, and faults that name their line and what is wrong. */
class RulesParserTest {

    static final String EXAMPLE = """
            rules:
              - match:
                  action: change          # one value or a list
                  subsystem: net
                  devpath: /devices/virtual/net/*
                  env: {INTERFACE: "eth*"}
                run: ["/usr/local/sbin/net-hook", "--verbose"]
                timeout: 10s
            """;

    private static HotplugRules parse(String yaml) throws RulesParser.RulesFileException {
        return RulesParser.parse(yaml, "rules.yaml");
    }

    /** The message for a bad file; fails the test when the file is accepted. */
    private static String fault(String yaml) {
        try {
            parse(yaml);
        } catch (RulesParser.RulesFileException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted:\n" + yaml);
    }

    @Test
    void theExampleReadsAsWritten() throws Exception {
        HotplugRules rules = parse(EXAMPLE);
        assertThat(rules.maxJobs()).isEqualTo(HotplugRules.DEFAULT_MAX_JOBS);
        HotplugRule r = rules.rules().getFirst();
        assertThat(r.actions()).containsExactly("change");
        assertThat(r.subsystems()).containsExactly("net");
        assertThat(r.devpaths()).containsExactly("/devices/virtual/net/*");
        assertThat(r.env()).isEqualTo(Map.of("INTERFACE", List.of("eth*")));
        assertThat(r.run()).containsExactly("/usr/local/sbin/net-hook", "--verbose");
        assertThat(r.timeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void listsPlainStringsNumbersNamesAndMaxJobs() throws Exception {
        HotplugRules rules = parse("""
                max_jobs: 3
                rules:
                  - name: disks
                    match:
                      action: [add, remove]
                      subsystem: [block]
                      devtype: disk
                      devpath: ["*/sd?", "*/vd?"]
                      env:
                        SYNTH_ARG_UPCALLTEST: 1
                        ID_BUS: [ata, scsi]
                    run: /sbin/hotplug
                  - run: [/bin/true]
                """);
        assertThat(rules.maxJobs()).isEqualTo(3);
        HotplugRule disks = rules.rules().getFirst();
        assertThat(disks.name()).isEqualTo("disks");
        assertThat(disks.actions()).isEqualTo(Set.of("add", "remove"));
        assertThat(disks.devtypes()).containsExactly("disk");
        assertThat(disks.devpaths()).containsExactly("*/sd?", "*/vd?");
        assertThat(disks.env()).containsEntry("SYNTH_ARG_UPCALLTEST", List.of("1")).containsEntry("ID_BUS", List.of("ata", "scsi"));
        assertThat(disks.run()).containsExactly("/sbin/hotplug");
        assertThat(disks.timeout()).isEqualTo(HotplugRule.DEFAULT_TIMEOUT);
        assertThat(rules.rules().get(1).actions()).isEmpty();
    }

    @Test
    void anUnknownKeyNamesItsLineAndTheKeysThatExist() {
        assertThat(fault("""
                rules:
                  - match:
                      acton: change
                    run: /bin/true
                """)).isEqualTo("rules.yaml, line 3: unknown key 'acton' in match: use action, subsystem, devtype, devpath, env");
        assertThat(fault("rules: []\nmaxjobs: 2\n")).startsWith("rules.yaml, line 2: unknown key 'maxjobs'");
        assertThat(fault("rules:\n  - run: /bin/true\n    command: x\n")).startsWith("rules.yaml, line 3: unknown key 'command' in rule 1");
    }

    @Test
    void wrongTypesNameTheirLine() {
        assertThat(fault("rules:\n  run: /bin/true\n")).startsWith("rules.yaml, line 2: 'rules' must be a list");
        assertThat(fault("rules:\n  - /bin/true\n")).startsWith("rules.yaml, line 2: rule 1 must be a mapping");
        assertThat(fault("rules:\n  - run: /bin/true\n    match:\n      subsystem: {net: 1}\n"))
                .startsWith("rules.yaml, line 4: subsystem must be a value, not a mapping");
        assertThat(fault("rules:\n  - run: /bin/true\n    match:\n      env: [INTERFACE]\n"))
                .startsWith("rules.yaml, line 4: env must map property names to globs");
        assertThat(fault("max_jobs: many\nrules: []\n")).startsWith("rules.yaml, line 1: max_jobs must be a whole number");
        assertThat(fault("max_jobs: 0\nrules: []\n")).startsWith("rules.yaml, line 1: max jobs must be positive");
    }

    @Test
    void anEmptyOrMissingRunIsAFault() {
        assertThat(fault("rules:\n  - match: {action: add}\n    run: []\n")).isEqualTo(
                "rules.yaml, line 3: run is empty: name the program to run (an absolute path)");
        assertThat(fault("rules:\n  - match: {action: add}\n")).startsWith("rules.yaml, line 2: rule 1 has no 'run'");
        assertThat(fault("rules:\n  - run:\n")).startsWith("rules.yaml, line 2: run has no value");
        assertThat(fault("rules:\n  - run: net-hook\n")).startsWith("rules.yaml, line 2: program 'net-hook' is not an absolute path");
    }

    @Test
    void badValuesNameTheLineOfTheValue() {
        assertThat(fault("""
                rules:
                  - match:
                      action:
                        - add
                        - plug
                    run: /bin/true
                """)).startsWith("rules.yaml, line 5: unknown action 'plug': use one of add, remove, change");
        assertThat(fault("rules:\n  - match:\n      devpath: /devices/[abc\n    run: /bin/true\n"))
                .startsWith("rules.yaml, line 3: bad glob '/devices/[abc'");
        assertThat(fault("rules:\n  - match:\n      env: {INTERFACE: \"eth[\"}\n    run: /bin/true\n"))
                .startsWith("rules.yaml, line 3: bad glob 'eth['");
        assertThat(fault("rules:\n  - run: /bin/true\n    timeout: soon\n"))
                .startsWith("rules.yaml, line 3: timeout: 'soon' is not a duration");
        assertThat(fault("rules:\n  - run: /bin/true\n    timeout: 0s\n")).startsWith("rules.yaml, line 3: timeout must be positive");
    }

    @Test
    void brokenYamlEmptyFilesAndDuplicatesAreFaultsToo() {
        assertThat(fault("rules:\n  - run: /bin/true\n   timeout: 3s\n")).startsWith("rules.yaml, line 3: not valid YAML");
        assertThat(fault("")).startsWith("rules.yaml, line 1: the file is empty");
        assertThat(fault("# only a comment\n")).startsWith("rules.yaml, line 1: the file is empty");
        assertThat(fault("max_jobs: 2\n")).startsWith("rules.yaml, line 1: no 'rules:'");
        assertThat(fault("rules:\n  - run: /bin/true\n    run: /bin/false\n")).startsWith("rules.yaml, line 3: duplicate key 'run'");
    }
}
