package io.upcall.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.JsonEventWriter;
import io.upcall.core.Upcall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code fixtures/replay/audit-recorded.pcapng}, written by {@code upcall record --sources audit} here while
 * {@code auditctl} added rules keyed {@code upcall-rec23923} (chroot, fchmodat, execve of echo), ran them, sent a
 * USER_LOGIN and a USER_AVC, and removed the rules. The whole output is in its golden file (ReplayGoldenTest); these
 * assert what the summary must say.
 */
class AuditReplayTest {
    private static final Path CAPTURE = Path.of("src/test/resources/fixtures/replay/audit-recorded.pcapng");

    private static List<String> replay(AuditOptions options) throws IOException, InterruptedException {
        List<String> out = Collections.synchronizedList(new ArrayList<>());
        Upcall.builder().source(options).subscribe((e, end) -> out.add(JsonEventWriter.toJson(e)))
                .replay(Files.readAllBytes(CAPTURE), () -> false);
        return out;
    }

    @Test
    void theChrootEventSaysSyscallKeyPathAndSuccess() throws Exception {
        List<String> chroot = replay(AuditOptions.defaults()).stream().filter(l -> l.contains("\"syscall\":\"chroot\""))
                .toList();
        assertThat(chroot).hasSize(1);
        assertThat(chroot.getFirst()).contains("\"source\":\"audit\"", "\"type\":\"syscall\"", "\"serial\":275",
                "\"success\":true", "\"key\":\"upcall-rec23923\"", "\"name\":\"/tmp/acap/jail dir\"",
                "\"argv\":[\"chroot\",\"/tmp/acap/jail dir\",\"/x\"]", "\"comm\":\"chroot\"");
    }

    @Test
    void theFchmodatEventNamesTheSetuidBit() throws Exception {
        assertThat(replay(AuditOptions.defaults())).filteredOn(l -> l.contains("\"syscall\":\"fchmodat\"")).singleElement()
                .satisfies(l -> assertThat(l).contains("\"mode\":{\"octal\":\"4755\",\"setuid\":true,\"setgid\":false",
                        "\"name\":\"/tmp/acap/set uid\""));
        assertThat(replay(AuditOptions.defaults())).filteredOn(l -> l.contains("\"syscall\":\"chroot\"")).singleElement()
                .satisfies(l -> assertThat(l).contains("\"mode\":null"));
    }

    @Test
    void hexEncodedArgumentsAreDecoded() throws Exception {
        assertThat(replay(AuditOptions.defaults())).anySatisfy(l -> assertThat(l).contains(
                "\"argv\":[\"/usr/bin/echo\",\"two words\",\"hé\",\"plain\"]"));
    }

    @Test
    void theKeyFilterKeepsOnlyEventsOfThatRule() throws Exception {
        List<String> keyed = replay(AuditOptions.defaults().withKeys(Set.of("upcall-rec23923")));
        assertThat(keyed).hasSize(3).allSatisfy(l -> assertThat(l).contains("\"key\":\"upcall-rec23923\""));
        assertThat(replay(AuditOptions.defaults().withKeys(Set.of("nobody")))).isEmpty();
    }

    @Test
    void userMessagesAreEventsOfTheirOwn() throws Exception {
        assertThat(replay(AuditOptions.defaults())).anySatisfy(l -> assertThat(l).contains("\"type\":\"user_login\"",
                "\"success\":true", "\"exe\":\"/usr/sbin/sshd\""));
    }
}
