package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.Daemon;
import airlock.daemon.ShimRunner;
import airlock.rules.ConfigError;
import airlock.rules.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code [log] path} (the original airlock's key) puts the audit log where config.toml says (issue 12, item 7). */
class LogPathTest {
    @TempDir Path tmp;

    record Run(int exit, String out, String err) {}

    static Run airlock(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit = Airlock.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void theDaemonWritesTheLogAtTheConfiguredPathAndAirlockLogReadsIt() throws Exception {
        Path root = tmp.toRealPath();
        Path config = Files.createDirectories(root.resolve("config/profiles")).getParent();
        Path work = Files.createDirectories(root.resolve("work"));
        Path logFile = root.resolve("var/log/airlock/requests.ndjson");
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"git\"]\n[log]\npath = \"" + logFile + "\"\nmax_files = 2\n");
        Files.writeString(config.resolve("profiles/default.toml"), "commands = []\n[mounts]\n\"" + work + "\" = \"" + work + "\"\n");
        Map<String, String> env = new HashMap<>(System.getenv());
        ByteArrayOutputStream daemonLog = new ByteArrayOutputStream();
        try (Daemon d = Daemon.start(new ConfigDirectory(config), env, new PrintStream(daemonLog, true))) {
            var r = ShimRunner.run(new ConfigDirectory(config).socketOf("default"), work, "git", List.of("--version"));
            assertThat(r.exit()).as(r.err()).isZero();
        }
        assertThat(daemonLog.toString()).contains("airlock: audit log " + logFile);
        assertThat(logFile).exists();
        assertThat(Files.readString(logFile)).contains("\"command\":\"git\"", "\"--version\"");
        assertThat(Files.getPosixFilePermissions(logFile)).isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(config.resolve("audit/audit.ndjson")).doesNotExist();

        Run log = airlock("log", "--config", config.toString());
        assertThat(log.exit()).as(log.err()).isZero();
        assertThat(log.out()).contains("default  allowed  git --version  exit 0");
        Run verify = airlock("log", "--verify", "--config", config.toString());
        assertThat(verify.exit()).as(verify.err()).isZero();
        assertThat(verify.out()).contains("intact: 1 record(s) in 1 file(s)");
    }

    @Test
    void aRelativePathIsUnderTheConfigDirectory() throws Exception {
        var c = ConfigLoader.config("config.toml", "[commands]\nenable = [\"git\"]\n[log]\npath = \"logs/audit.ndjson\"\n");
        assertThat(c.log().path()).isEqualTo("logs/audit.ndjson");
        assertThat(new ConfigDirectory(tmp).auditFile(c.log())).isEqualTo(tmp.resolve("logs/audit.ndjson"));
        var none = ConfigLoader.config("config.toml", "[commands]\nenable = [\"git\"]\n");
        assertThat(new ConfigDirectory(tmp).auditFile(none.log())).isEqualTo(tmp.resolve("audit/audit.ndjson"));
    }

    @Test
    void aPathThatNamesNoFileIsAnErrorWithItsLine() {
        for (String bad : List.of("\"\"", "\"/var/log/airlock/\"", "3")) {
            ConfigError e = catchThrowableOfType(ConfigError.class, () ->
                    ConfigLoader.config("/etc/airlock/config.toml", "[commands]\nenable = [\"git\"]\n[log]\npath = " + bad + "\n"));
            assertThat(e).as(bad).isNotNull();
            assertThat(e.getMessage()).contains("config.toml:4").contains("log.path");
        }
    }
}
