package airlock.rules;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@code only_flags} on an [allow] rule: the rule allows its match with those flags and no other,
 * in any spelling, on any reading; a plain allow rule for {@code push} also allows {@code push --force}.
 */
class OnlyFlagsTest {
    static final String MODULE = """
            [command]
            bin = "git"
            [flags]
            value = ["-C", "-c"]
            switches = ["--force", "-u", "--set-upstream"]
            long = ["--force", "--set-upstream", "--force-with-lease"]
            [allow]
            args = [
              { match = "push origin", only_flags = ["-u", "--set-upstream"] },
              { match = "status", only_flags = [] },
              { match = "log", only_flags = ["-C=/workspace/*", "--oneline"] },
            ]
            """;

    private static Decision judge(String... args) throws ConfigError {
        CommandModule m = ModuleLoader.load("git", "user:git", MODULE);
        return ArgumentRules.judge(m, List.of(args));
    }

    @Test
    void allowsTheMatchWithTheListedFlagsOnly() throws ConfigError {
        assertThat(judge("push", "origin", "main").allowed()).isTrue();
        assertThat(judge("push", "-u", "origin", "feature").allowed()).isTrue();
        assertThat(judge("status").allowed()).isTrue();
        assertThat(judge("-C", "/workspace/p", "log", "--oneline").allowed()).isTrue();
    }

    @Test
    void anotherFlagInAnySpellingIsRefused() throws ConfigError {
        for (List<String> args : List.of(List.of("push", "--force", "origin", "main"), List.of("push", "--forc", "origin", "main"),
                List.of("push", "origin", "main", "--force-with-lease"), List.of("-c", "x=y", "status"), List.of("status", "-s"),
                List.of("-C", "/etc", "log"))) {
            assertThat(judge(args.toArray(String[]::new)).allowed()).as("%s", args).isFalse();
        }
        Decision d = judge("push", "--force", "origin", "main");
        assertThat(d.reason()).contains("rule \"push origin\" allows only the flags -u, --set-upstream; --force is not one of them");
        assertThat(judge("status", "-s").reason()).contains("rule \"status\" allows no flag; -s is not one of them");
    }

    @Test
    void onlyInAllowAndOnlyFlags() {
        ConfigError e = catchThrowableOfType(ConfigError.class, () -> ModuleLoader.load("git", "user:git", """
                [command]
                bin = "git"
                [deny]
                args = [
                  { match = "push", only_flags = ["-u"] },
                ]
                """));
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.key()).isEqualTo("deny.args[0].only_flags");
        assertThat(e.getMessage()).contains("only_flags is for [allow] rules");
        ConfigError word = catchThrowableOfType(ConfigError.class, () -> ModuleLoader.load("git", "user:git", """
                [command]
                bin = "git"
                [allow]
                args = [
                  { match = "push", only_flags = ["origin"] },
                ]
                """));
        assertThat(word.getMessage()).contains("'origin' is not a flag");
    }
}
