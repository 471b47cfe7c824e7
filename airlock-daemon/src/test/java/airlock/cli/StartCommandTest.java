package airlock.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class StartCommandTest {
    @TempDir Path tmp;

    @Test
    void withoutAConfigItSaysWhyAndExitsOne() throws Exception {
        Cli cli = new Cli(tmp);
        var r = cli.run("start");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("airlock: cannot start: no " + cli.config.resolve("config.toml")
                + " (run 'airlock init' to create a starter config)\n");
    }

    @Test
    void aBrokenConfigNamesTheFileAndExitsOne() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        Path p = cli.write("profiles/default.toml", "commands = []\nsocket = 5\n");
        var r = cli.run("start");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("airlock: cannot start: " + p).contains("socket");
    }

    @Test
    void aSecondDaemonOnTheSameConfigSaysWhyAndExitsOne() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        try (var running = airlock.daemon.Daemon.start(new airlock.daemon.ConfigDirectory(cli.config), System.getenv(),
                new java.io.PrintStream(new java.io.ByteArrayOutputStream()))) {
            var r = cli.run("start");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).startsWith("airlock: cannot start: ").contains("another airlock daemon is already running on " + cli.config).contains(cli.config.resolve("daemon.lock").toString());
        }
    }

    /**
     * The lock is a POSIX record lock, which belongs to the process: a refused second start and
     * a presence probe (profile show, doctor) in the daemon's own JVM must not drop it by closing
     * a descriptor of the file, or a third daemon in another process would start.
     */
    @Test
    void probesInTheDaemonsOwnJvmLeaveItsLockHeld() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        try (var running = airlock.daemon.Daemon.start(new airlock.daemon.ConfigDirectory(cli.config), System.getenv(),
                new java.io.PrintStream(new java.io.ByteArrayOutputStream()))) {
            assertThat(cli.run("start").exit()).isEqualTo(1);
            assertThat(cli.run("profile show default").out()).contains("(daemon running)");
            assertThat(cli.run("doctor").out()).contains("daemon listening on");
            Process other = new ProcessBuilder(AirlockProcess.command("start", "--config", cli.config.toString())).start();
            String err = new String(other.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(other.exitValue()).as(err).isEqualTo(1);
            assertThat(err).startsWith("airlock: cannot start: another airlock daemon is already running on " + cli.config
                    + " (pid " + ProcessHandle.current().pid() + ")");
        }
    }

    /**
     * A JVM without the launchers' options could not read a caller's pid, so it could not tell
     * containers apart: it must not serve at all, and must say what is missing.
     */
    @Test
    void withoutTheLaunchersJvmOptionsItRefusesToStartAndSaysWhy() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        List<String> cmd = new ArrayList<>(AirlockProcess.command("start", "--config", cli.config.toString()));
        cmd.remove("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED");
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isEqualTo(1);
        assertThat(err).contains("airlock: cannot start: cannot read callers' credentials from the kernel",
                "--add-exports java.base/sun.nio.ch=ALL-UNNAMED");
        assertThat(cli.config.resolve("sockets/default.sock")).doesNotExist();
    }

    /** The real process: start-up report on stderr, then it serves until killed. */
    @Test
    void asAProcessItReportsCommandsSocketsAndOverrides() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        cli.write("profiles/ci.toml", "commands = [\"git\"]\n[mounts]\n\"/w\" = \"" + tmp + "\"\n");
        assertThat(cli.run("eject", "git").exit()).isZero();

        List<String> cmd = AirlockProcess.command("start", "--config", cli.config.toString());
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        List<String> lines = new ArrayList<>();
        try (var err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            String l;
            while ((l = err.readLine()) != null) {
                lines.add(l);
                if (l.contains("overrides the built-in")) break;
            }
            assertThat(String.join("\n", lines)).contains(
                    "airlock: enabled commands: git",
                    "airlock: profile ci listening on " + cli.config.resolve("sockets/ci.sock"),
                    "airlock: profile default listening on " + cli.config.resolve("sockets/default.sock"),
                    "airlock: " + cli.config.resolve("commands/git.toml") + " overrides the built-in git module");
            assertThat(p.isAlive()).isTrue();
            var test = cli.run("test", "default", "git", "status");
            assertThat(test.out()).as(test.toString()).contains("daemon:  agrees: allowed");
        } finally {
            p.destroy();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void changedSinceSeesAnEditAndARemovalButNotTheAuditLog() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        var dir = new airlock.daemon.ConfigDirectory(cli.config);
        java.time.Instant later = java.time.Instant.now().plusSeconds(5);
        for (Path p : List.of(cli.config.resolve("config.toml"), cli.config.resolve("profiles"), cli.config.resolve("profiles/default.toml"),
                cli.config.resolve("commands"), cli.config.resolve("hooks"))) {
            java.nio.file.Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(60)));
        }
        java.time.Instant before = java.time.Instant.now().minusSeconds(30);
        assertThat(StartCommand.changedSince(dir, before)).isFalse();
        cli.write("audit/audit.ndjson", "{}\n");
        assertThat(StartCommand.changedSince(dir, before)).isFalse();
        java.nio.file.Files.delete(cli.config.resolve("profiles/default.toml"));
        assertThat(StartCommand.changedSince(dir, before)).as("a removed profile changes its folder").isTrue();
        assertThat(StartCommand.changedSince(dir, later)).isFalse();
    }
}
