package airlock.daemon.sandbox;

import airlock.daemon.redact.Redactor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The layer as a daemon that is not root makes it: {@code unshare --user --map-root-user}, the
 * overlay in that user namespace. Run here as the user nobody (setpriv), from a root test; the
 * whole-daemon runs as root are in SandboxRunTest.
 */
class WriteLayerTest {
    Path root;

    @BeforeAll
    static void rootWithBubblewrap() throws Exception {
        assumeTrue(WriteLayer.uid() == 0, "setpriv to another user needs root");
        assumeTrue(Bubblewrap.probe("/usr/bin:/bin") instanceof Bubblewrap.Availability.Ready, "bubblewrap unavailable");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv (util-linux) missing");
    }

    @AfterEach
    void clean() throws Exception {
        if (root != null) new ProcessBuilder("rm", "-rf", root.toString()).start().waitFor();
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
    }

    @Test
    void asANormalUserTheRunWritesToTheLayerAndTheWorkspaceGetsItScanned() throws Exception {
        // a folder nobody may enter (the test's @TempDir is root's, 0700)
        root = Files.createDirectory(Path.of(System.getProperty("java.io.tmpdir")).toRealPath().resolve("airlock-nonroot-" + UUID.randomUUID()),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path ws = Files.createDirectories(root.resolve("ws"));
        Files.writeString(ws.resolve("old.txt"), "old");
        Files.writeString(ws.resolve("gone.txt"), "gone");
        String secret = "CANARY-NONROOT-" + UUID.randomUUID();
        try (WriteLayer l = WriteLayer.create(root.resolve("layers"), ws, Path.of("/usr/bin/bwrap"), List.of())) {
            run("chown", "-R", "65534:65534", root.toString());
            List<String> argv = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"));
            argv.addAll(l.mountThenExec("/usr/bin:/bin", false));
            argv.addAll(List.of("/usr/bin/bwrap", "--unshare-all", "--die-with-parent", "--ro-bind", "/usr", "/usr",
                    "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
                    "--proc", "/proc", "--dev", "/dev", "--bind", l.merged().toString(), ws.toString(), "--chdir", ws.toString(),
                    "/usr/bin/python3", "-c", "import os, sys; open('new.txt', 'w').write(sys.argv[1]); open('old.txt', 'a').write(' and new');"
                            + " os.remove('gone.txt'); print(os.getuid(), sorted(os.listdir('.')))", secret));
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(out).isZero();
            assertThat(out).isEqualTo("0 ['new.txt', 'old.txt']\n");
            // the run is over, nothing applied yet: the workspace is as it was, the layer has it all
            assertThat(ws.resolve("new.txt")).doesNotExist();
            assertThat(ws.resolve("old.txt")).hasContent("old");
            assertThat(l.upper().resolve("new.txt")).hasContent(secret);
            assertThat((Integer) Files.getAttribute(l.upper().resolve("new.txt"), "unix:uid")).isEqualTo(65534);

            WrittenFiles.Report r = WrittenFiles.publish(l, VaultRedaction.of(Redactor.of(Map.of("api", secret.getBytes(StandardCharsets.UTF_8)))));
            assertThat(r.unscanned()).isEmpty();
            assertThat(r.redacted()).containsExactly(ws.resolve("new.txt"));
        }
        assertThat(ws.resolve("new.txt")).hasContent("[airlock:redacted api]");
        assertThat((Integer) Files.getAttribute(ws.resolve("new.txt"), "unix:uid")).isEqualTo(65534);
        assertThat(ws.resolve("old.txt")).hasContent("old and new");
        assertThat(ws.resolve("gone.txt")).doesNotExist();
    }
}
