package airlock.daemon.sandbox;

import airlock.daemon.redact.Redactor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Publishing a layer whose upper directory is made by hand, as the overlay leaves it: whiteouts,
 * an opaque folder, the overlay's marks; and what a hostile run or agent could arrange. The runs
 * through a real overlay are in SandboxRunTest and the e2e tests.
 */
class WrittenFilesTest {
    @TempDir Path tmp;

    @BeforeAll
    static void bubblewrapWorksHere() {
        assumeTrue(Bubblewrap.probe("/usr/bin:/bin") instanceof Bubblewrap.Availability.Ready, "bubblewrap unavailable");
    }

    private WriteLayer layer(Path ws) throws Exception {
        return WriteLayer.create(tmp.toRealPath().resolve("layers"), ws, Path.of("/usr/bin/bwrap"), List.of());
    }

    private static Redaction vault(String secret) {
        return VaultRedaction.of(Redactor.of(Map.of("api", secret.getBytes(StandardCharsets.UTF_8))));
    }

    /**
     * A secret whose base64 has a '/' with at least 8 characters either side: a form a path can
     * split. In ASCII text only a '?' (0x3f) as the third byte of a group of three gives one.
     */
    private static String splittable() {
        String s = "CANARY-SPLIT-x?" + UUID.randomUUID();
        String b = Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
        int slash = b.indexOf('/', 8);
        assertThat(slash).as(b).isBetween(8, b.length() - 9);
        return s;
    }

    @Test
    void whiteoutsOpaqueFoldersAndTheOverlaysMarksBecomeDeletionsNotFiles() throws Exception {
        assumeTrue(WriteLayer.uid() == 0, "a whiteout (a 0/0 character device) is made with mknod, as root");
        Path ws = Files.createDirectories(tmp.toRealPath().resolve("ws"));
        Files.writeString(ws.resolve("deleted.txt"), "bye");
        Files.createDirectories(ws.resolve("replaced/old"));
        Files.writeString(ws.resolve("replaced/old/f"), "old");
        Files.writeString(ws.resolve("replaced/kept-by-lower"), "gone too: the folder was replaced whole");
        try (WriteLayer l = layer(ws)) {
            Path up = l.upper();
            assertThat(new ProcessBuilder("mknod", up.resolve("deleted.txt").toString(), "c", "0", "0").start().waitFor()).isZero();
            Files.createDirectories(up.resolve("replaced"));
            Files.writeString(up.resolve("replaced/new"), "new");
            var v = Files.getFileAttributeView(up.resolve("replaced"), UserDefinedFileAttributeView.class);
            v.write("overlay.opaque", ByteBuffer.wrap("y".getBytes()));
            Files.writeString(up.resolve("plain.txt"), "plain");
            Files.getFileAttributeView(up.resolve("plain.txt"), UserDefinedFileAttributeView.class)
                    .write("overlay.origin", ByteBuffer.wrap(new byte[]{0, 1}));
            WrittenFiles.Report r = WrittenFiles.publish(l, vault("CANARY-NOT-USED-" + UUID.randomUUID()));
            assertThat(r.unscanned()).isEmpty();
            assertThat(r.redacted()).isEmpty();
        }
        assertThat(ws.resolve("deleted.txt")).doesNotExist();
        assertThat(ws.resolve("replaced/old")).doesNotExist();
        assertThat(ws.resolve("replaced/kept-by-lower")).doesNotExist();
        assertThat(ws.resolve("replaced/new")).hasContent("new");
        assertThat(ws.resolve("plain.txt")).hasContent("plain");
        assertThat(Files.getFileAttributeView(ws.resolve("replaced"), UserDefinedFileAttributeView.class).list()).isEmpty();
        assertThat(Files.getFileAttributeView(ws.resolve("plain.txt"), UserDefinedFileAttributeView.class).list()).isEmpty();
        assertThat(tmp.resolve("layers")).isEmptyDirectory();
    }

    @Test
    void aFormSplitByAFolderSeparatorIsFoundInThePathAndTheNameGoes() throws Exception {
        String secret = splittable();
        String b64 = Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
        int slash = b64.indexOf('/', 8);
        Path ws = Files.createDirectories(tmp.toRealPath().resolve("ws"));
        try (WriteLayer l = layer(ws)) {
            Path dir = Files.createDirectories(l.upper().resolve(b64.substring(0, slash)));
            Files.writeString(dir.resolve(b64.substring(slash + 1)), "inside");
            WrittenFiles.Report r = WrittenFiles.publish(l, vault(secret));
            assertThat(r.matches()).isPositive();
        }
        Path landed = ws.resolve(b64.substring(0, slash)).resolve("[airlock:redacted]");
        assertThat(landed).hasContent("inside");
        try (var s = Files.walk(ws)) {
            assertThat(s.map(p -> ws.relativize(p).toString())).noneMatch(p -> p.contains(b64));
        }
    }

    @Test
    void setIdBitsAreClearedAndSpecialFilesAreNotCarried() throws Exception {
        Path ws = Files.createDirectories(tmp.toRealPath().resolve("ws"));
        try (WriteLayer l = layer(ws)) {
            Path tool = Files.writeString(l.upper().resolve("tool"), "#!/bin/sh\n");
            assertThat(new ProcessBuilder("chmod", "6755", tool.toString()).start().waitFor()).isZero();
            assertThat(new ProcessBuilder("mkfifo", l.upper().resolve("pipe").toString()).start().waitFor()).isZero();
            WrittenFiles.Report r = WrittenFiles.publish(l, vault("CANARY-NOT-USED-" + UUID.randomUUID()));
            assertThat(r.unscanned()).containsExactly(ws.resolve("pipe"));
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ws.resolve("tool")))).isEqualTo("rwxr-xr-x");
        assertThat((Integer) Files.getAttribute(ws.resolve("tool"), "unix:mode") & 06000).isZero();
        assertThat(ws.resolve("pipe")).doesNotExist();
    }

    /**
     * The agent writes the workspace too: a folder the run wrote into, swapped for a link to a
     * host folder before the writes are applied, must not lead them there.
     */
    @Test
    void aFolderSwappedForALinkLeadsTheRunsWritesNowhereOutside() throws Exception {
        Path ws = Files.createDirectories(tmp.toRealPath().resolve("ws"));
        Path outside = Files.createDirectories(tmp.toRealPath().resolve("outside"));
        Files.createDirectories(ws.resolve("out"));
        try (WriteLayer l = layer(ws)) {
            Files.createDirectories(l.upper().resolve("out"));
            Files.writeString(l.upper().resolve("out/planted"), "planted");
            Files.delete(ws.resolve("out"));
            Files.createSymbolicLink(ws.resolve("out"), outside);
            WrittenFiles.publish(l, vault("CANARY-NOT-USED-" + UUID.randomUUID()));
        }
        assertThat(outside).isEmptyDirectory();
        assertThat(Files.isSymbolicLink(ws.resolve("out"))).isFalse();
        assertThat(ws.resolve("out/planted")).hasContent("planted");
    }

    @Test
    void aLayerRootInsideTheWorkspaceMovesToAPrivateTempFolder() throws Exception {
        Path ws = Files.createDirectories(tmp.toRealPath().resolve("ws"));
        try (WriteLayer l = WriteLayer.create(ws.resolve("cfg/layers"), ws, Path.of("/usr/bin/bwrap"), List.of())) {
            assertThat(l.dir().startsWith(ws)).isFalse();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(l.dir().getParent(), LinkOption.NOFOLLOW_LINKS)))
                    .isEqualTo("rwx------");
        }
        assertThat(ws.resolve("cfg")).doesNotExist();
    }
}
