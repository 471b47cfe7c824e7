package airlock.daemon;

import airlock.rules.Profile;

import java.io.IOException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Creates a profile's listening socket safely. The sockets directory is the daemon's own (0700,
 * never a symlink, owned by the daemon's user); a socket file left by a dead daemon is replaced, a
 * live daemon's socket is refused, and anything else at that path (a planted symlink, a file) is
 * refused rather than followed or deleted. The socket is 0600, or 0660 with the profile's owner.
 */
final class SocketFile {
    /** Room for a burst of callers (bench: 1,000 connections at once) while the acceptor catches up. */
    private static final int BACKLOG = 1024;

    private SocketFile() {}

    /** Thrown when the socket cannot be created safely; the message is for the operator. */
    static final class Unsafe extends IOException {
        Unsafe(String message) {
            super(message);
        }
    }

    static void prepareDirectory(Path dir) throws IOException {
        if (Files.isSymbolicLink(dir)) throw new Unsafe("sockets directory " + dir + " is a symlink; refusing to follow it");
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        PosixFileAttributes attrs = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attrs.isDirectory()) throw new Unsafe("sockets directory " + dir + " is not a directory");
        long ownerUid = ((Number) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
        if (ownerUid != new com.sun.security.auth.module.UnixSystem().getUid()) {
            throw new Unsafe("sockets directory " + dir + " belongs to " + attrs.owner().getName() + ", not to the daemon's user");
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    static ServerSocketChannel bind(Path sock, Optional<Profile.SocketOwner> owner) throws IOException {
        if (Files.exists(sock, LinkOption.NOFOLLOW_LINKS)) replaceStale(sock);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(sock), BACKLOG);
            // chmod by path: fchmod would need an open(2), which a socket refuses. The directory is
            // the daemon's own (0700), so nobody else can swap the path between bind and chmod.
            PosixFileAttributeView view = Files.getFileAttributeView(sock, PosixFileAttributeView.class);
            if (owner.isPresent()) {
                Files.setAttribute(sock, "unix:uid", owner.get().uid(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(sock, "unix:gid", owner.get().gid(), LinkOption.NOFOLLOW_LINKS);
                view.setPermissions(PosixFilePermissions.fromString("rw-rw----"));
            } else {
                view.setPermissions(PosixFilePermissions.fromString("rw-------"));
            }
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static void replaceStale(Path sock) throws IOException {
        if (Files.isSymbolicLink(sock)) throw new Unsafe(sock + " is a symlink (planted?); remove it by hand, airlock will not follow it");
        if (!isSocket(sock)) throw new Unsafe(sock + " exists and is not a socket; remove it by hand");
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            throw new Unsafe("another airlock daemon is already listening on " + sock + "; stop it first");
        } catch (SocketException e) {
            Files.delete(sock); // connection refused: a socket left behind by a daemon that died
        }
    }

    private static boolean isSocket(Path p) throws IOException {
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return (mode & 0170000) == 0140000;
    }
}
