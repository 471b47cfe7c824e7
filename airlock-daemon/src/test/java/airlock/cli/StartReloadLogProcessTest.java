package airlock.cli;

import airlock.daemon.core.Signals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code airlock start} as its own process: a profile added on disk gets its socket (the watch),
 * a broken file on SIGHUP keeps the running configuration and says why, and {@code airlock log}
 * (another process) shows and verifies what happened.
 */
class StartReloadLogProcessTest {
    @TempDir Path tmp;

    List<String> java(String... args) {
        return AirlockProcess.command(args);
    }

    @Test
    void startWatchesSighupReloadsAndLogShowsIt() throws Exception {
        Path config = tmp.resolve("config");
        Path work = Files.createDirectories(tmp.resolve("work")).toRealPath();
        Files.createDirectories(config.resolve("profiles"));
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"git\"]\n");
        String profile = "commands = []\n[mounts]\n\"" + work + "\" = \"" + work + "\"\n";
        Files.writeString(config.resolve("profiles/default.toml"), profile);

        Process daemon = new ProcessBuilder(java("start", "--config", config.toString())).redirectErrorStream(true).start();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Thread reader = Thread.ofPlatform().daemon(true).start(() -> copy(daemon.getInputStream(), log));
        try {
            waitFor(log, "profile default listening on");
            waitFor(log, "watching " + config + " for changes"); // a change before this is not seen

            Files.writeString(config.resolve("profiles/ci.toml"), profile);
            waitFor(log, "profile ci listening on " + config.resolve("sockets/ci.sock"));
            assertThat(config.resolve("sockets/ci.sock")).exists();

            Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"git\"]\n[hooks]\ntimeout_seconds = 0\n");
            waitFor(log, "reload failed, the running configuration stays");
            assertThat(text(log)).contains("hooks.timeout_seconds");

            Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"git\"]\n");
            Files.delete(config.resolve("profiles/ci.toml"));
            waitFor(log, "profile ci removed");
            int reloadsBefore = count(text(log), "configuration reloaded");
            Signals.send(daemon.pid(), Signals.SIGHUP);
            for (int i = 0; i < 200 && count(text(log), "configuration reloaded") == reloadsBefore; i++) Thread.sleep(50);
            assertThat(count(text(log), "configuration reloaded")).isGreaterThan(reloadsBefore);
            assertThat(daemon.isAlive()).isTrue(); // SIGHUP reloads, it does not end the daemon
        } finally {
            daemon.destroy();
            daemon.waitFor(20, TimeUnit.SECONDS);
            reader.join(5_000);
        }

        Process show = new ProcessBuilder(java("log", "--config", config.toString())).redirectErrorStream(true).start();
        String shown = new String(show.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(show.waitFor()).isZero();
        assertThat(shown).contains("  -  reload  profiles ci, default").contains("  -  reload-failed  ")
                .contains("  -  reload  profiles default");

        Process verify = new ProcessBuilder(java("log", "--verify", "--config", config.toString())).redirectErrorStream(true).start();
        String verified = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(verify.waitFor()).as(verified).isZero();
        assertThat(verified).contains("audit log intact");
    }

    /**
     * Issue 20.2: a second {@code airlock start} on the same directory is refused before it
     * touches anything. With an expired profile sorting before the live one it used to write a
     * record into the running daemon's log (then fail binding the live socket), and from then on
     * {@code airlock log --verify} reported the chain broken.
     */
    @Test
    void aSecondStartIsRefusedAndLeavesTheRunningDaemonsLogIntact() throws Exception {
        Path config = tmp.resolve("config");
        Path work = Files.createDirectories(tmp.resolve("work")).toRealPath();
        Files.createDirectories(config.resolve("profiles"));
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"git\"]\n");
        String mounts = "[mounts]\n\"" + work + "\" = \"" + work + "\"\n";
        Files.writeString(config.resolve("profiles/aaa-old.toml"), "expires = 2020-01-01T00:00:00Z\ncommands = []\n" + mounts);
        Files.writeString(config.resolve("profiles/abc-gone.toml"),
                "revoked = { at = 2021-01-01T00:00:00Z, reason = \"laptop lost\" }\ncommands = []\n" + mounts);
        Files.writeString(config.resolve("profiles/default.toml"), "commands = []\n" + mounts);

        Process daemon = new ProcessBuilder(java("start", "--config", config.toString())).redirectErrorStream(true).start();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Thread reader = Thread.ofPlatform().daemon(true).start(() -> copy(daemon.getInputStream(), log));
        try {
            waitFor(log, "profile default listening on");
            Path auditFile = config.resolve("audit/audit.ndjson");
            byte[] auditBefore = Files.readAllBytes(auditFile);
            var vaultBefore = listing(config.resolve("vault"));

            Process second = new ProcessBuilder(java("start", "--config", config.toString())).start();
            String secondErr = new String(second.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).as(secondErr).isEqualTo(1);

            assertThat(Files.readAllBytes(auditFile)).as("the second start wrote nothing into the running daemon's log")
                    .isEqualTo(auditBefore);
            assertThat(listing(config.resolve("vault"))).isEqualTo(vaultBefore);
            assertThat(config.resolve("sockets/default.sock")).exists();
            assertThat(daemon.isAlive()).isTrue();

            Process verify = new ProcessBuilder(java("log", "--verify", "--config", config.toString())).redirectErrorStream(true).start();
            String verified = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(verify.waitFor()).as(verified).isZero();
            assertThat(verified).contains("audit log intact");
            assertThat(secondErr).startsWith("airlock: cannot start: another airlock daemon is already running on " + config)
                    .contains("(pid " + daemon.pid() + ")").contains("stop it first");
            assertThat(secondErr.lines().count()).as(secondErr).isOne();
        } finally {
            daemon.destroy();
            daemon.waitFor(20, TimeUnit.SECONDS);
            reader.join(5_000);
        }
    }

    static List<String> listing(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) return List.of();
        try (var s = Files.walk(dir)) {
            return s.map(p -> p + " " + p.toFile().length() + " " + p.toFile().lastModified()).sorted().toList();
        }
    }

    static void copy(InputStream in, ByteArrayOutputStream to) {
        byte[] b = new byte[4096];
        try (in) {
            int n;
            while ((n = in.read(b)) > 0) {
                synchronized (to) {
                    to.write(b, 0, n);
                }
            }
        } catch (java.io.IOException ignored) {
            // the daemon ended
        }
    }

    static String text(ByteArrayOutputStream b) {
        synchronized (b) {
            return b.toString(StandardCharsets.UTF_8);
        }
    }

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    static void waitFor(ByteArrayOutputStream log, String text) throws InterruptedException {
        for (int i = 0; i < 400 && !text(log).contains(text); i++) Thread.sleep(50);
        assertThat(text(log)).contains(text);
    }
}
