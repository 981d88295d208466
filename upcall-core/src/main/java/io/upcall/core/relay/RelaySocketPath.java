package io.upcall.core.relay;

import io.upcall.core.procfs.ProcFs;
import io.upcall.linux.NetlinkSocket;
import io.upcall.linux.UnixServerSocket;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Creates the relay's control socket only where nobody else can get in its way. The directory that holds it must
 * belong to the relay's user and be writable by no one else: in a directory others can write (such as
 * {@code /tmp}) another user could create the name first and have clients talk to their socket, or swap the file
 * between the relay's {@code bind} and {@code chmod}. Every directory above it must belong to root or that user
 * and be writable by no one else unless sticky (then others may not rename what is in it). Only the default
 * directory ({@code /run/upcall}) is created, mode 0755 whatever the umask; any other must exist.
 *
 * <p>The socket is made mode 0666 (anyone may connect; what they may do is decided per request) by path, which
 * is safe once its directory is known to be the relay's alone.
 */
final class RelaySocketPath {
    /** File type bits of {@code st_mode} ({@code <sys/stat.h>}). */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFDIR = 0040000;
    private static final int S_ISVTX = 01000;
    private static final int GROUP_OR_OTHER_WRITE = 0022;
    private static final int BACKLOG = 128;

    private RelaySocketPath() {}

    /**
     * Listens on {@code path}, replacing a socket there that nobody serves.
     * @throws IOException with the reason and what to do when the place is not safe or already served
     */
    static UnixServerSocket listen(Path path) throws IOException {
        Path given = path.toAbsolutePath();
        Path parent = given.getParent();
        if (parent == null || given.getFileName() == null) {
            throw new IOException(path + " names no file for the socket");
        }
        int uid = ownUid();
        Path directory = directory(parent, uid);
        Path socketPath = directory.resolve(given.getFileName());
        removeIfStale(socketPath);
        UnixServerSocket socket = UnixServerSocket.listen(socketPath, BACKLOG);
        try {
            Files.setPosixFilePermissions(socketPath, PosixFilePermissions.fromString("rw-rw-rw-"));
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            Files.deleteIfExists(socketPath);
            throw new IOException("cannot make " + socketPath + " mode 0666: " + e.getMessage(), e);
        }
    }

    /** The effective uid of this process: the owner its files get. */
    static int ownUid() {
        int[] uids = ProcFs.system().uids(NetlinkSocket.getpid());
        if (uids == null) {
            throw new IllegalStateException("cannot read /proc/self/status to learn this process's uid");
        }
        return uids[1];
    }

    /** @return the real path of the socket's directory, checked (and, for the default, created) */
    private static Path directory(Path parent, int uid) throws IOException {
        Path defaultDirectory = RelayServer.DEFAULT_SOCKET.getParent();
        if (parent.equals(defaultDirectory) && !Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) {
            create(parent);
        }
        Path real;
        try {
            real = parent.toRealPath();
        } catch (NoSuchFileException e) {
            throw new IOException("directory " + parent + " does not exist: create it (owned by uid " + uid
                    + ", writable by no one else) or use the default socket " + RelayServer.DEFAULT_SOCKET);
        }
        int mode = mode(real);
        if ((mode & S_IFMT) != S_IFDIR) {
            throw new IOException(real + " is not a directory");
        }
        int owner = owner(real);
        if (owner != uid) {
            throw new IOException("directory " + real + " belongs to uid " + owner + ", not to uid " + uid
                    + " that runs the relay: its owner could replace the socket; use a directory of uid " + uid);
        }
        if ((mode & GROUP_OR_OTHER_WRITE) != 0) {
            throw new IOException("directory " + real + " is writable by others (mode "
                    + Integer.toOctalString(mode & 07777) + "): another user could put their own socket there first; use a directory only uid " + uid
                    + " can write, e.g. the default " + RelayServer.DEFAULT_SOCKET.getParent());
        }
        for (Path above = real.getParent(); above != null; above = above.getParent()) {
            int aboveMode = mode(above);
            int aboveOwner = owner(above);
            if ((aboveOwner != 0 && aboveOwner != uid)
                    || ((aboveMode & GROUP_OR_OTHER_WRITE) != 0 && (aboveMode & S_ISVTX) == 0)) {
                throw new IOException(above + " (uid " + aboveOwner + ", mode "
                        + Integer.toOctalString(aboveMode & 07777) + ") lets another user rename the directories below it, and with them the socket; use a path "
                        + "whose every directory belongs to root or uid " + uid + " and only they can write");
            }
        }
        return real;
    }

    /** Makes the default directory, 0755 whatever the umask: clients of every user must reach the socket. */
    private static void create(Path directory) throws IOException {
        try {
            Files.createDirectory(directory);
        } catch (FileAlreadyExistsException e) {
            return; // made meanwhile: it is checked like any existing directory
        } catch (AccessDeniedException e) {
            throw new IOException("cannot create " + directory + ": permission denied (run the relay as root, or give "
                    + "--socket in a directory you own)", e);
        } catch (NoSuchFileException e) {
            throw new IOException("cannot create " + directory + ": " + directory.getParent() + " does not exist", e);
        }
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void removeIfStale(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if ((mode(path) & S_IFMT) != S_IFSOCK) {
            throw new IOException(path + " exists and is not a socket; not replacing it");
        }
        // Non-blocking: a listener whose backlog is full must not hold the relay's start.
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.configureBlocking(false);
            probe.connect(UnixDomainSocketAddress.of(path));
        } catch (ConnectException e) {
            Files.delete(path); // ECONNREFUSED: nobody listens; left by a relay that died
            return;
        } catch (IOException e) {
            throw new IOException("something listens on " + path + " (" + e.getMessage() + "); not replacing it", e);
        }
        throw new IOException("a relay already serves " + path);
    }

    private static int mode(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    private static int owner(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }
}
