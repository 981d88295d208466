package io.upcall.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.protocol.audit.AuditRuleParser;
import io.upcall.protocol.audit.AuditRulePrinter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** User and group names from passwd and group files, and directories, as a rule is compiled with them. */
class SystemRuleNamesTest {
    @TempDir
    Path dir;

    @Test
    void namesComeFromTheFilesAndDirectoriesFromTheFileSystem() throws Exception {
        Path passwd = Files.writeString(dir.resolve("passwd"), "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/h:/bin/sh\n"
                + "broken\nbad:x:notanumber:1::/:/bin/sh\n");
        Path group = Files.writeString(dir.resolve("group"), "root:x:0:\nstaff:x:50:alice\n");
        SystemRuleNames names = new SystemRuleNames(passwd, group);
        assertThat(names.uid("alice")).isEqualTo(1000);
        assertThat(names.uid("bad")).isEqualTo(-1);
        assertThat(names.uid("nobody-here")).isEqualTo(-1);
        assertThat(names.gid("staff")).isEqualTo(50);
        assertThat(new SystemRuleNames(dir.resolve("none"), dir.resolve("none")).uid("root")).isEqualTo(-1);
        assertThat(names.isDirectory(dir.toString())).isTrue();
        assertThat(names.isDirectory(passwd.toString())).isFalse();
        assertThat(AuditRulePrinter.print(AuditRuleParser.compile("-a always,exit -F arch=b64 -S open -F euid=alice "
                + "-F egid=staff", names))).isEqualTo("-a always,exit -F arch=b64 -S open -F euid=1000 -F egid=50");
        assertThat(AuditRulePrinter.print(AuditRuleParser.compile("-w " + dir + "/ -p w", names)))
                .isEqualTo("-w " + dir + " -p w");
        assertThat(AuditRuleParser.compile("-w " + dir + " -p w", names).fields().getFirst().id()).isEqualTo(107);
    }
}
