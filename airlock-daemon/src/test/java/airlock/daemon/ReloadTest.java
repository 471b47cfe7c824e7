package airlock.daemon;

import airlock.daemon.core.Signals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Live reload while the daemon runs: files change on disk, sockets and rules follow. */
class ReloadTest {
    @TempDir Path tmp;
    DaemonFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new DaemonFixture(tmp, "").start();
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void aChangeOnDiskAddsAndRemovesProfilesAndAnEditedModuleAppliesToTheNextRequest() throws Exception {
        f.daemon.reloader().watch(Duration.ofMillis(100));
        assertThat(f.git("status", "--short").refusal()).isNull();

        f.profile("ci");
        eventually(() -> f.daemon.listening().contains("ci")); // bound and listening, not just a file
        var onCi = SocketClient.run(f.socket("ci"), "git", List.of("log", "-1", "--format=%s"), f.repo.toString());
        assertThat(onCi.out()).isEqualTo("first\n");
        assertThat(f.daemon.listening()).containsExactlyInAnyOrder("default", "ci");

        // The user's module replaces the built-in whole: now "status" is denied.
        Files.createDirectories(f.config.resolve("commands"));
        Files.writeString(f.config.resolve("commands/git.toml"), "[command]\nbin = \"git\"\n[deny]\nargs = [\"status\"]\n");
        eventually(() -> f.daemonStderr().contains("configuration reloaded") && refused("status"));
        assertThat(f.git("status").refusal()).startsWith("airlock: refused by the module layer");
        assertThat(f.git("log", "-1", "--format=%s").out()).isEqualTo("first\n");

        Files.delete(f.config.resolve("profiles/ci.toml"));
        eventually(() -> !Files.exists(f.socket("ci")));
        assertThat(f.daemon.listening()).containsExactly("default");
        // each reload is in the audit log too (written just after the sockets change)
        eventually(() -> reloads() >= 3);
    }

    @Test
    void aConfigThatDoesNotLoadKeepsTheRunningOneAndSaysWhy() throws Exception {
        f.daemon.reloader().watch(Duration.ofMillis(100));
        Files.writeString(f.config.resolve("profiles/broken.toml"), "commands = [\n");
        eventually(() -> f.daemonStderr().contains("reload failed, the running configuration stays"));
        assertThat(f.daemonStderr()).contains("broken.toml");
        assertThat(f.daemon.listening()).containsExactly("default");
        assertThat(f.git("log", "-1", "--format=%s").out()).isEqualTo("first\n");
        eventually(() -> {
            try {
                return f.records().stream().anyMatch(r -> r.get("type").asText().equals("reload-failed")
                        && r.get("detail").asText().contains("broken.toml"));
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    @Test
    void sighupReloads() throws Exception {
        f.daemon.reloader().reloadOnSighup(); // before the signal: without a handler SIGHUP ends the JVM
        f.profile("sighup");
        Signals.send(ProcessHandle.current().pid(), Signals.SIGHUP);
        eventually(() -> f.daemon.listening().contains("sighup"));
        assertThat(SocketClient.run(f.socket("sighup"), "git", List.of("log", "-1", "--format=%s"), f.repo.toString()).out())
                .isEqualTo("first\n");
    }

    long reloads() {
        try {
            return f.records().stream().filter(r -> r.get("type").asText().equals("reload")).count();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    boolean refused(String arg) {
        try {
            return f.git(arg).refusal() != null;
        } catch (Exception e) {
            return false;
        }
    }

    /** Waits for something the reload does in the background; fails after 10 s. */
    static void eventually(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 200 && !condition.getAsBoolean(); i++) Thread.sleep(50);
        assertThat(condition.getAsBoolean()).as("condition within 10 s").isTrue();
    }
}
