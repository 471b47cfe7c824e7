package airlock.daemon;

import airlock.rules.ConfigError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tool checks are selected by the module ([checks] use), never by the executable's name: an
 * ejected module keeps them, a module can opt out, another command can opt in, and a name the
 * daemon does not have fails the load with file, line and key.
 */
class ToolChecksDaemonTest {
    @TempDir Path tmp;
    DaemonFixture f;

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    private void plantFsmonitor() throws Exception {
        Path canary = tmp.resolve("canary");
        Files.writeString(f.repo.resolve(".git/config"), "[core]\n\tfsmonitor = \"touch " + canary + "\"\n", java.nio.file.StandardOpenOption.APPEND);
    }

    private String builtinGit() {
        return ConfigDirectory.BuiltinModules.text("git").orElseThrow();
    }

    @Test
    void anEjectedModuleKeepsItsChecks() throws Exception {
        f = new DaemonFixture(tmp, "");
        Files.createDirectories(f.config.resolve("commands"));
        Files.writeString(f.config.resolve("commands/git.toml"), builtinGit()); // what airlock eject writes
        f.start();
        plantFsmonitor();
        var r = f.git("status");
        assertThat(r.refusal()).startsWith("airlock: refused by the check layer (rule \"git:config-keys\"): workspace config key core.fsmonitor");
        assertThat(tmp.resolve("canary")).doesNotExist();
    }

    @Test
    void aModuleWithoutTheTableRunsNoCheck() throws Exception {
        f = new DaemonFixture(tmp, "");
        Files.createDirectories(f.config.resolve("commands"));
        Files.writeString(f.config.resolve("commands/git.toml"), "[command]\nbin = \"git\"\n[deny]\nargs = []\n");
        f.start();
        // no check: the git check would refuse a repository config key of an unknown section
        Files.writeString(f.repo.resolve(".git/config"), "[unknownsection]\n\tkey = x\n", java.nio.file.StandardOpenOption.APPEND);
        var r = f.git("status", "--short");
        assertThat(r.refusal()).isNull();
        assertThat(r.exit()).isZero();
    }

    @Test
    void anotherCommandThatSelectsTheCheckIsChecked() throws Exception {
        f = new DaemonFixture(tmp, "");
        Files.writeString(f.config.resolve("config.toml"), "[commands]\nenable = [\"git\", \"vcs\"]\n");
        Files.createDirectories(f.config.resolve("commands"));
        // a command named vcs that runs git: the check follows the module, not the executable's name
        Files.writeString(f.config.resolve("commands/vcs.toml"), builtinGit());
        f.start();
        plantFsmonitor();
        var r = SocketClient.run(f.socket("default"), "vcs", List.of("status"), f.repo.toString());
        assertThat(r.refusal()).contains("refused by the check layer (rule \"git:config-keys\")");
        assertThat(tmp.resolve("canary")).doesNotExist();
    }

    @Test
    void anUnknownCheckFailsTheLoadWithFileLineAndKey() throws Exception {
        f = new DaemonFixture(tmp, "");
        Path module = Files.createDirectories(f.config.resolve("commands")).resolve("git.toml");
        Files.writeString(module, "[command]\nbin = \"git\"\n[deny]\nargs = []\n[checks]\nuse = [\"git\",\n  \"gti\"]\n");
        ConfigError e = catchThrowableOfType(ConfigError.class, () -> new ConfigDirectory(f.config).load());
        assertThat(e.getMessage()).startsWith(module + ":7:").contains("checks.use", "unknown check 'gti'", "aws, docker, gh, git, kubectl, ssh, terraform");
    }
}
