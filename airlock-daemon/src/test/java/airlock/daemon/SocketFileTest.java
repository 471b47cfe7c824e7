package airlock.daemon;

import airlock.rules.Profile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The socket and its directory, created on a real file system. */
class SocketFileTest {
    @TempDir Path tmp;

    @Test
    void theDirectoryIs0700AndTheSocket0600() throws Exception {
        Path dir = tmp.resolve("config/sockets");
        SocketFile.prepareDirectory(dir);
        try (var server = SocketFile.bind(dir.resolve("p.sock"), Optional.empty())) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("p.sock")))).isEqualTo("rw-------");
        }
    }

    @Test
    void aLooseExistingDirectoryIsTightened() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("sockets"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        SocketFile.prepareDirectory(dir);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    }

    @Test
    void aSymlinkedDirectoryIsRefused() throws Exception {
        Path target = Files.createDirectories(tmp.resolve("elsewhere"));
        Path dir = Files.createSymbolicLink(tmp.resolve("sockets"), target);
        assertThatThrownBy(() -> SocketFile.prepareDirectory(dir)).isInstanceOf(SocketFile.Unsafe.class).hasMessageContaining("symlink");
    }

    @Test
    void aPlantedSymlinkAtTheSocketPathIsRefusedNotFollowed() throws Exception {
        Path victim = Files.writeString(tmp.resolve("victim"), "keep me");
        Path sock = Files.createSymbolicLink(tmp.resolve("p.sock"), victim);
        assertThatThrownBy(() -> SocketFile.bind(sock, Optional.empty())).isInstanceOf(SocketFile.Unsafe.class).hasMessageContaining("symlink");
        assertThat(Files.readString(victim)).isEqualTo("keep me");
        assertThat(Files.isSymbolicLink(sock)).isTrue();
    }

    @Test
    void aRegularFileAtTheSocketPathIsRefused() throws Exception {
        Path sock = Files.writeString(tmp.resolve("p.sock"), "not a socket");
        assertThatThrownBy(() -> SocketFile.bind(sock, Optional.empty())).hasMessageContaining("not a socket");
        assertThat(Files.readString(sock)).isEqualTo("not a socket");
    }

    @Test
    void aStaleSocketOfADeadDaemonIsReplaced() throws Exception {
        Path sock = tmp.resolve("p.sock");
        // closing a JDK server channel leaves its file behind, as a killed daemon does
        try (var dead = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            dead.bind(java.net.UnixDomainSocketAddress.of(sock));
        }
        assertThat(Files.exists(sock, LinkOption.NOFOLLOW_LINKS)).isTrue();
        try (var server = SocketFile.bind(sock, Optional.empty())) {
            assertThat(server.getLocalAddress()).isEqualTo(java.net.UnixDomainSocketAddress.of(sock));
        }
    }

    @Test
    void aLiveDaemonsSocketIsRefusedWithAClearMessage() throws Exception {
        Path sock = tmp.resolve("p.sock");
        try (var live = SocketFile.bind(sock, Optional.empty())) {
            assertThatThrownBy(() -> SocketFile.bind(sock, Optional.empty()))
                    .isInstanceOf(SocketFile.Unsafe.class).hasMessageContaining("already listening on " + sock);
        }
    }

    @Test
    void aSocketOwnerGetsTheSocketWithMode0660() throws Exception {
        Path sock = tmp.resolve("p.sock");
        // chown to another uid needs root (CI runs as root); to our own uid it works for anyone
        long uid = new com.sun.security.auth.module.UnixSystem().getUid();
        int target = uid == 0 ? 1000 : (int) uid;
        int gid = uid == 0 ? 1000 : (int) new com.sun.security.auth.module.UnixSystem().getGid();
        try (var server = SocketFile.bind(sock, Optional.of(new Profile.SocketOwner(target, gid)))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock))).isEqualTo("rw-rw----");
            assertThat(Files.getAttribute(sock, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(target);
            assertThat(Files.getAttribute(sock, "unix:gid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(gid);
        }
    }
}
