package airlock.rules;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Every broken module names the file, the line and the key; nothing is silently ignored. */
class ModuleLoaderTest {

    static Stream<Arguments> broken() {
        return Stream.of(
                arguments("typo in the rule key", """
                        [command]
                        bin = "git"

                        [deny]
                        arg = ["push"]
                        """, 5, "deny.arg", "unknown key"),
                arguments("unknown table", """
                        [command]
                        bin = "git"
                        [deny]
                        args = []
                        [flag]
                        value = ["-C"]
                        """, 5, "flag", "unknown key"),
                arguments("unknown key in [flags]", """
                        [command]
                        bin = "git"
                        [flags]
                        value = ["-C"]
                        path = ["-C"]
                        [deny]
                        args = []
                        """, 5, "flags.path", "unknown key"),
                arguments("rules as a string", """
                        [command]
                        bin = "git"
                        [deny]
                        args = "push"
                        """, 4, "deny.args", "must be an array of strings"),
                arguments("a number among the rules, on its own line", """
                        [command]
                        bin = "git"
                        [deny]
                        args = [
                          "push",
                          7,
                        ]
                        """, 6, "deny.args", "element 2 must be a string"),
                arguments("invalid glob, on its own line", """
                        [command]
                        bin = "docker"
                        [deny]
                        args = [
                          "--privileged",
                          "--volume=/[etc:*",
                        ]
                        """, 6, "deny.args", "unclosed '['"),
                arguments("both deny and allow", """
                        [command]
                        bin = "git"
                        [deny]
                        args = ["push"]
                        [allow]
                        args = ["status"]
                        """, 5, "allow", "exactly one of [deny] or [allow]"),
                arguments("neither deny nor allow", """
                        [command]
                        bin = "git"
                        """, 0, null, "needs exactly one of [deny] or [allow]"),
                arguments("[deny] without args", """
                        [command]
                        bin = "git"
                        [deny]
                        """, 3, "deny", "missing key 'args'"),
                arguments("bin is not a string", """
                        [command]
                        bin = 3
                        [deny]
                        args = []
                        """, 2, "command.bin", "must be a string"),
                arguments("concurrent is not a boolean", """
                        [command]
                        bin = "git"
                        [deny]
                        args = []
                        [exec]
                        concurrent = "yes"
                        """, 6, "exec.concurrent", "must be true or false"),
                arguments("stdin is not a boolean", """
                        [command]
                        bin = "terraform"
                        [deny]
                        args = []
                        [exec]
                        stdin = "no"
                        """, 6, "exec.stdin", "must be true or false"),
                arguments("env set with a number", """
                        [command]
                        bin = "git"
                        [deny]
                        args = []
                        [env]
                        set = { A = "1", B = 2 }
                        """, 6, "env.set.B", "must be a string"),
                arguments("dotted key typo", """
                        deny.arg = ["push"]
                        [command]
                        bin = "git"
                        """, 1, "deny.arg", "unknown key"),
                arguments("flag and words mixed", """
                        [command]
                        bin = "git"
                        [deny]
                        args = ["push --force"]
                        """, 4, "deny.args", "join them with ' & '"),
                arguments("short bundle as a rule", """
                        [command]
                        bin = "ssh"
                        [deny]
                        args = ["-auto-approve"]
                        """, 4, "deny.args", "single_dash_long"),
                arguments("a flag declared both ways", """
                        [command]
                        bin = "ssh"
                        [flags]
                        value = ["-i"]
                        switches = ["-i"]
                        [deny]
                        args = []
                        """, 5, "flags.switches", "cannot be a switch"),
                arguments("not a flag in [flags] value", """
                        [command]
                        bin = "ssh"
                        [flags]
                        value = ["-i", "i"]
                        [deny]
                        args = []
                        """, 4, "flags.value", "is not a flag"),
                arguments("empty sequence part", """
                        [command]
                        bin = "terraform"
                        [deny]
                        args = ["apply & "]
                        """, 4, "deny.args", "rule"),
                arguments("missing [command]", """
                        [deny]
                        args = []
                        """, 0, "command", "missing [command]"),
                arguments("broken TOML", """
                        [command]
                        bin = "git"
                        [deny
                        args = []
                        """, 3, null, "not valid TOML"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void namesFileLineAndKey(String what, String text, int line, String key, String problem) {
        ConfigError e = catchThrowableOfType(ConfigError.class, () -> ModuleLoader.load("git", "/cfg/commands/git.toml", text));
        assertThat(e).as(what).isNotNull();
        assertThat(e.file()).isEqualTo("/cfg/commands/git.toml");
        assertThat(e.line()).as(e.getMessage()).isEqualTo(line);
        assertThat(e.key()).as(e.getMessage()).isEqualTo(key);
        assertThat(e.getMessage()).contains(problem);
        if (line > 0) assertThat(e.getMessage()).startsWith("/cfg/commands/git.toml:" + line);
    }

    @Test
    void withoutAnExecTableTheToolRunsConcurrentlyAndGetsTheCallersStdin() throws ConfigError {
        CommandModule m = ModuleLoader.load("git", "builtin:git", "[command]\nbin = \"git\"\n[deny]\nargs = []\n");
        assertThat(m.concurrent()).isTrue();
        assertThat(m.stdin()).isTrue();
    }

    @Test
    void readsEveryKeyOfTheIssueExample() throws ConfigError {
        CommandModule m = ModuleLoader.load("git", "builtin:git", """
                [command]
                bin = "git"
                [deny]                 # or [allow]
                args = ["--upload-pack", "-c", "credential", "push & --force", "--volume=/*:*", "auth token"]
                [env]
                strip = ["GIT_SSH_COMMAND"]
                set = { GIT_CONFIG_NOSYSTEM = "1" }
                pass = ["TERM", "LANG"]
                [args]
                append = ["--no-optional-locks"]
                [exec]
                concurrent = false
                stdin = false
                [flags]
                value = ["-C"]
                paths = ["--git-dir"]
                long = ["--upload-pack", "--git-dir"]
                positional_paths = ["diff & --no-index"]
                """);
        assertThat(m.bin()).isEqualTo("git");
        assertThat(m.mode()).isEqualTo(CommandModule.Mode.DENY);
        assertThat(m.rules()).extracting(Rule::text)
                .containsExactly("--upload-pack", "-c", "credential", "push & --force", "--volume=/*:*", "auth token");
        assertThat(m.rules().get(5)).isEqualTo(new Rule.Subcommand("auth token", List.of("auth", "token")));
        assertThat(m.env().strip()).containsExactly("GIT_SSH_COMMAND");
        assertThat(m.env().set()).containsEntry("GIT_CONFIG_NOSYSTEM", "1");
        assertThat(m.env().pass()).containsExactly("TERM", "LANG");
        assertThat(m.append()).containsExactly("--no-optional-locks");
        assertThat(m.concurrent()).isFalse();
        assertThat(m.stdin()).isFalse();
        assertThat(m.syntax().value()).contains("-C", "--git-dir", "--volume");
        assertThat(m.syntax().longOptions()).contains("--upload-pack", "--git-dir", "--volume");
        assertThat(m.sha256()).hasSize(64);
        assertThat(m.source()).isEqualTo("builtin:git");
    }

    @Test
    void anEmptyDenyListDeniesNothingAndAnEmptyAllowListAllowsNothing() throws ConfigError {
        CommandModule deny = ModuleLoader.load("t", "t", "[command]\nbin = \"t\"\n[deny]\nargs = []\n");
        CommandModule allow = ModuleLoader.load("t", "t", "[command]\nbin = \"t\"\n[allow]\nargs = []\n");
        assertThat(ArgumentRules.judge(deny, List.of("anything")).allowed()).isTrue();
        assertThat(ArgumentRules.judge(allow, List.of("anything")).allowed()).isFalse();
    }
}
