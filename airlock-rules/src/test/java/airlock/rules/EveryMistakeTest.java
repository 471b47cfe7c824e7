package airlock.rules;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A loader reads the whole file: every mistake is in {@link ConfigError#all()} with its own line
 * and key, in line order; the error itself is the first mistake read; nothing from a broken file is returned.
 */
class EveryMistakeTest {

    private static List<String> where(ConfigError e) {
        return e.all().stream().map(x -> x.line() + " " + x.key()).toList();
    }

    @Test
    void aModuleWithSeveralMistakesNamesEachOnItsLine() {
        String text = """
                [command]
                bin = "git"
                colour = "blue"
                [flags]
                value = ["-C", "nope"]
                [deny]
                args = ["push", "--force & push", "-"]
                [exec]
                concurrent = "yes"
                [sandbox]
                read = ["/etc/passwd"]
                memory_mb = -1
                """;
        ConfigError e = catchThrowableOfType(ConfigError.class, () -> ModuleLoader.load("git", "git.toml", text));
        assertThat(where(e)).containsExactly(
                "3 command.colour", "5 flags.value", "7 deny.args", "9 exec.concurrent", "11 sandbox.read", "12 sandbox.memory_mb");
        assertThat(e.all()).allSatisfy(x -> assertThat(x.file()).isEqualTo("git.toml"));
        // the error itself is the first mistake read, with that mistake's own message
        assertThat(e.getMessage()).isEqualTo(e.all().getFirst().getMessage()).startsWith("git.toml:3: key 'command.colour': unknown key");
        assertThat(e.line()).isEqualTo(3);
    }

    @Test
    void aProfileWithSeveralMistakesNamesEachOnItsLine() {
        String text = """
                comands = []
                commands = ["git"]
                [mounts]
                "/w" = 3
                [secrets.git]
                env = { PATH = "token", GH_TOKEN = "9bad" }
                [redact]
                also = ["ok_name", "bad-name"]
                expires = 2026-12-31T18:00:00
                """;
        ConfigError e = catchThrowableOfType(ConfigError.class, () -> ConfigLoader.profile("p", "p.toml", text));
        assertThat(where(e)).containsExactly("1 comands", "4 mounts./w", "6 secrets.git.env.PATH", "6 secrets.git.env.GH_TOKEN",
                "8 redact.also", "9 redact.expires");
    }

    @Test
    void aConfigWithSeveralMistakesNamesEachOnItsLine() {
        String text = """
                [commands]
                enable = []
                [log]
                max_files = 0
                max_size_mb = -2
                [hooks]
                timeout_seconds = 0
                [ui]
                listen = "0.0.0.0:8080"
                """;
        ConfigError e = catchThrowableOfType(ConfigError.class, () -> ConfigLoader.config("config.toml", text));
        assertThat(where(e)).containsExactly("2 commands.enable", "4 log.max_files", "5 log.max_size_mb",
                "7 hooks.timeout_seconds", "9 ui.listen");
    }

    @Test
    void aFileWithOneMistakeHasJustThatOne() {
        ConfigError e = catchThrowableOfType(ConfigError.class, () -> ConfigLoader.profile("p", "p.toml", "commands = 3\n"));
        assertThat(e.all()).containsExactly(e);
    }
}
