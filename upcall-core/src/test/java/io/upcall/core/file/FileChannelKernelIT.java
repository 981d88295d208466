package io.upcall.core.file;

import static io.upcall.core.file.FileStream.file;
import static io.upcall.core.file.FileStream.sh;
import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.event.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file channel on the running kernel, with inode marks on a temporary directory only. Every file operation runs
 * in a child shell: the test's own process is Upcall's, whose events the channel leaves out.
 */
@Timeout(60)
class FileChannelKernelIT {
    @TempDir
    Path tmp;

    private FileOptions all(Path... paths) {
        return FileOptions.of(java.util.Arrays.stream(paths).map(Path::toString).toList())
                .withEvents(EnumSet.allOf(FileEventType.class));
    }

    @Test
    void everyKindWithItsFullPath() throws Exception {
        Path dir = tmp.toRealPath();
        Files.copy(Path.of("/bin/true"), dir.resolve("tool"));
        try (FileStream s = FileStream.open(all(dir))) {
            sh("cd '" + dir + "' && echo hi > f && chmod 4755 f && cat f > /dev/null && ./tool && mkdir sub && mv f g && rm g"
                    + " && touch -d 2001-01-01 tool");
            String f = dir + "/f";
            String g = dir + "/g";
            assertThat(s.await(file("create", f))).isNotNull();
            assertThat(s.await(file("modify", f))).isNotNull();
            assertThat(s.await(file("close_write", f))).isNotNull();
            FileEvent chmod = (FileEvent) s.await(file("attrib", f));
            assertThat(chmod).as("chmod 4755 is an attrib event with the full path").isNotNull();
            assertThat(chmod.process().comm()).isIn("chmod", null); // null once chmod exited before the read
            assertThat(s.await(file("open", f))).isNotNull();
            assertThat(s.await(file("close_nowrite", f))).isNotNull();
            assertThat(s.await(file("open_exec", dir + "/tool"))).isNotNull();
            FileEvent mkdir = (FileEvent) s.await(file("create", dir + "/sub"));
            assertThat(mkdir.directory()).isTrue();
            FileEvent rename = (FileEvent) s.await(file("rename", g));
            assertThat(rename.oldPath()).isEqualTo(f);
            assertThat(s.await(file("delete", g))).isNotNull();
            assertThat(s.await(file("attrib", dir + "/tool"))).isNotNull();
            List<String> order = s.events().stream().filter(e -> e instanceof FileEvent fe
                    && (fe.type().equals("create") || fe.type().equals("rename") || fe.type().equals("delete")))
                    .map(e -> e.type() + " " + ((FileEvent) e).path()).toList();
            assertThat(order).containsSubsequence("create " + f, "create " + dir + "/sub", "rename " + g, "delete " + g);
        }
    }

    @Test
    void nestedDirectoriesWithSpacesAndARenamedParent() throws Exception {
        Path dir = tmp.toRealPath();
        Path inner = Files.createDirectories(dir.resolve("p q/in ner"));
        try (FileStream s = FileStream.open(all(dir, dir.resolve("p q"), inner))) {
            sh("cd '" + dir + "' && echo 1 > 'p q/in ner/a b' && mv 'p q/in ner/a b' 'p q/in ner/c d' && mv 'p q' 'r s'"
                    + " && echo 2 > 'r s/in ner/e f' && rm 'r s/in ner/c d'");
            // After the rename of the parent, the kernel's handles resolve to the new name: exactly right.
            assertThat(s.await(file("create", dir + "/r s/in ner/e f"))).isNotNull();
            FileEvent moved = (FileEvent) s.await(file("rename", dir + "/r s"));
            assertThat(moved.oldPath()).isEqualTo(dir + "/p q");
            assertThat(moved.directory()).isTrue();
            assertThat(s.await(file("delete", dir + "/r s/in ner/c d"))).isNotNull();
            // Before it, the path is the one the directory had when the event was read: the old or the new name
            // (fanotify gives handles, not names of the past), never anything else.
            FileEvent first = (FileEvent) s.await(e -> e instanceof FileEvent fe && fe.type().equals("rename")
                    && fe.path() != null && fe.path().endsWith("/in ner/c d"));
            assertThat(first.path()).isIn(dir + "/p q/in ner/c d", dir + "/r s/in ner/c d");
            assertThat(first.oldPath()).isIn(dir + "/p q/in ner/a b", dir + "/r s/in ner/a b");
        }
    }

    @Test
    void theActorOfALiveProcessAndItsOwnEventsLeftOut() throws Exception {
        Path dir = tmp.toRealPath();
        try (FileStream s = FileStream.open(all(dir))) {
            Files.writeString(dir.resolve("mine"), "written by the JVM that runs Upcall");
            Process p = new ProcessBuilder("sh", "-c", "echo x > '" + dir + "/theirs'; sleep 3").start();
            try {
                FileEvent e = (FileEvent) s.await(file("create", dir + "/theirs"));
                assertThat(e).isNotNull();
                assertThat(e.pid()).isEqualTo((int) p.pid());
                assertThat(e.process().comm()).isEqualTo("sh");
                assertThat(e.process().exe()).startsWith("/usr/bin/");
                assertThat(e.process().ppid()).isEqualTo((int) ProcessHandle.current().pid());
                assertThat(e.process().uid()).isZero();
                assertThat(e.process().exited()).isFalse();
            } finally {
                p.destroyForcibly();
                p.waitFor();
            }
            assertThat(s.events()).noneMatch(e -> e instanceof FileEvent f && (f.pid() == ProcessHandle.current().pid()
                    || (dir + "/mine").equals(f.path())));
        }
    }

    @Test
    void anExitedActorIsStillNamedByPid() throws Exception {
        Path dir = tmp.toRealPath();
        try (FileStream s = FileStream.open(all(dir))) {
            Process p = sh("echo x > '" + dir + "/short'");
            FileEvent e = (FileEvent) s.await(file("create", dir + "/short"));
            assertThat(e).isNotNull();
            assertThat(e.pid()).isEqualTo((int) p.pid());
            assertThat(e.process().pid()).isEqualTo((int) p.pid());
            if (e.process().exited()) { // reaped before the read: only what its pidfd kept
                assertThat(e.process().exitCode()).isIn(-1, 0);
            } else {
                assertThat(e.process().comm()).isEqualTo("sh");
            }
        }
    }

    @Test
    void marksGoWithTheChannel() throws Exception {
        Path dir = tmp.toRealPath();
        long before = fanotifyFds();
        try (FileStream s = FileStream.open(all(dir))) {
            assertThat(fanotifyFds()).isEqualTo(before + 1);
            sh("touch '" + dir + "/x'");
            assertThat(s.await(file("create", dir + "/x"))).isNotNull();
        }
        assertThat(fanotifyFds()).as("the group and its marks are gone").isEqualTo(before);
    }

    private static long fanotifyFds() throws Exception {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().equals("anon_inode:[fanotify]");
                } catch (Exception e) {
                    return false;
                }
            }).count();
        }
    }

    @Test
    void aFileAloneIsWatchedWithoutDirectoryEvents() throws Exception {
        Path dir = tmp.toRealPath();
        Path f = Files.writeString(dir.resolve("one file"), "");
        try (FileStream s = FileStream.open(all(f))) {
            sh("chmod 600 '" + f + "' && echo more >> '" + f + "' && touch '" + dir + "/other'");
            assertThat(s.await(file("attrib", f.toString()))).isNotNull();
            assertThat(s.await(file("close_write", f.toString()))).isNotNull();
            assertThat(s.events()).noneMatch(e -> e instanceof FileEvent fe && (dir + "/other").equals(fe.path()));
        }
    }

    @SuppressWarnings("unused")
    private static boolean isFile(Event e) {
        return e instanceof FileEvent;
    }
}
