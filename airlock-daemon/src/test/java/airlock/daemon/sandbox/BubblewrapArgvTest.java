package airlock.daemon.sandbox;

import airlock.rules.SandboxSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line names every wall: read it as bubblewrap will. */
class BubblewrapArgvTest {
    @TempDir Path tmp;

    private List<String> argv(SandboxSpec spec, Path work, Path other, Path home, Path config) throws Exception {
        return BubblewrapArgv.of(Path.of("/usr/bin/bwrap"), new SandboxRequest(spec, List.of("/usr/bin/python3", "s.py"), work, work,
                List.of(other), home, List.of(config), List.of()), List.of("/usr/bin/prlimit", "--as=1", "--"));
    }

    @Test
    void offlineByDefaultHomeEmptyConfigCoveredAndTheToolLast() throws Exception {
        Path root = tmp.toRealPath();
        Path work = Files.createDirectories(root.resolve("work"));
        Path config = Files.createDirectories(work.resolve("cfg"));
        Path other = Files.createDirectories(root.resolve("other"));
        Path home = Files.createDirectories(root.resolve("home"));
        Files.writeString(home.resolve(".gitconfig"), "x");
        Files.createSymbolicLink(home.resolve(".link"), Path.of("/etc/hostname"));
        List<String> a = argv(new SandboxSpec(false, List.of("~/.gitconfig", "~/.missing", "~/.link"), true, 0, 0, 0, 0), work, other, home, config);
        assertThat(a).contains("--unshare-all", "--die-with-parent", "--new-session").doesNotContain("--share-net");
        assertThat(String.join(" ", a)).contains("--tmpfs " + home + " --ro-bind " + home.resolve(".gitconfig") + " " + home.resolve(".gitconfig"))
                .doesNotContain(".missing").doesNotContain(".link")
                .contains("--bind " + work + " " + work).contains("--ro-bind " + other + " " + other)
                .contains("--tmpfs /tmp")
                .endsWith("--chdir " + work + " /usr/bin/prlimit --as=1 -- /usr/bin/python3 s.py");
        // the config directory's tmpfs comes after the mount that holds it
        assertThat(a.lastIndexOf(config.toString())).isGreaterThan(a.indexOf(work.toString()));
        assertThat(a.get(a.lastIndexOf(config.toString()) - 1)).isEqualTo("--tmpfs");
    }

    @Test
    void networkAndReadOnlyWorkspaceAsAsked() throws Exception {
        Path root = tmp.toRealPath();
        Path work = Files.createDirectories(root.resolve("work"));
        List<String> a = argv(new SandboxSpec(true, List.of(), false, 0, 0, 0, 0), work, Files.createDirectories(root.resolve("o")),
                Files.createDirectories(root.resolve("h")), root.resolve("nocfg"));
        assertThat(a).contains("--share-net");
        assertThat(String.join(" ", a)).contains("--ro-bind " + work + " " + work).doesNotContain("--bind " + work);
        // /dev/shm, /tmp and the home, besides the covers of /etc's private folders; no config dir to cover
        long etcFolders = PrivateSystemFiles.covers(Path.of("/etc")).stream().filter(x -> x.equals("--tmpfs")).count();
        assertThat(Collections.frequency(a, "--tmpfs")).isEqualTo(3 + (int) etcFolders);
    }
}
