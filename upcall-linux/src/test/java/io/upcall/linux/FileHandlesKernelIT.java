package io.upcall.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code name_to_handle_at} and back with {@code open_by_handle_at}, on a temporary directory (needs CAP_DAC_READ_SEARCH). */
@Timeout(30)
class FileHandlesKernelIT {

    @TempDir
    Path dir;

    private static void assumeRoot() {
        assumeTrue(Native.getuid() == 0, "open_by_handle_at needs CAP_DAC_READ_SEARCH: run as root");
    }

    @Test
    void aDirectoryHandleFollowsItsRenameAndTheSpacesInItsName() throws Exception {
        assumeRoot();
        Path sub = Files.createDirectories(dir.resolve("a dir/with spaces"));
        FileHandles.Handle h = FileHandles.nameToHandle(sub.toString(), false);
        assertThat(h.fileHandle().length).isGreaterThan(8);
        try (FileHandles mount = FileHandles.open(dir.toString());
                FileHandles.Opened opened = mount.open(h.fileHandle())) {
            assertThat(opened.path()).isEqualTo(sub.toRealPath().toString());
            Path moved = Files.move(dir.resolve("a dir"), dir.resolve("renamed"));
            assertThat(opened.path()).isEqualTo(moved.toRealPath().resolve("with spaces").toString());
            try (FileHandles again = FileHandles.open(moved.toString())) {
                assertThat(again.fsid()).isEqualTo(mount.fsid()); // one filesystem, one id
            }
        }
    }

    @Test
    void aRemovedDirectoryIsStaleOrDeleted() throws Exception {
        assumeRoot();
        Path sub = Files.createDirectory(dir.resolve("gone"));
        FileHandles.Handle h = FileHandles.nameToHandle(sub.toString(), false);
        Files.delete(sub);
        try (FileHandles mount = FileHandles.open(dir.toString())) {
            try (FileHandles.Opened opened = mount.open(h.fileHandle())) {
                assertThat(opened.path()).endsWith(" (deleted)"); // still cached by the kernel
            } catch (LinuxException e) {
                assertThat(e.errnoName()).isEqualTo("ESTALE");
            }
        }
    }

    @Test
    void refusesAPathThatIsNotThere() {
        assertThatThrownBy(() -> FileHandles.open(dir.resolve("missing").toString()))
                .isInstanceOf(LinuxException.class).hasMessageContaining("ENOENT");
    }
}
