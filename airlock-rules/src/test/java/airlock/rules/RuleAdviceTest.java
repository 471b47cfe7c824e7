package airlock.rules;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A rule may say why it exists and what works instead; the refusal says both, plain rules still load. */
class RuleAdviceTest {
    static final String MODULE = """
            [command]
            bin = "git"
            [deny]
            args = [
              "push",
              { match = "config & --global", why = "git's global configuration is the host user's, for every repository", hint = "git config user.email ... (in the repository), or GIT_AUTHOR_EMAIL" },
              { match = "hash-object" },
            ]
            """;

    @Test
    void aRuleCarriesItsReasonAndHint() throws ConfigError {
        CommandModule m = ModuleLoader.load("git", "builtin:git", MODULE);
        assertThat(m.rules()).extracting(Rule::text).containsExactly("push", "config & --global", "hash-object");
        assertThat(m.rules().get(0).advice()).isEqualTo(Rule.Advice.NONE);
        assertThat(m.rules().get(1).advice().why()).startsWith("git's global configuration");
        assertThat(m.rules().get(1).advice().hint()).startsWith("git config user.email");
        assertThat(m.rules().get(2).advice().isEmpty()).isTrue();
    }

    @Test
    void theRefusalSaysWhyAndWhatWorksInstead() throws ConfigError {
        CommandModule m = ModuleLoader.load("git", "builtin:git", MODULE);
        Decision d = ArgumentRules.judge(m, List.of("config", "--glob", "user.email", "a@b"));
        assertThat(d.allowed()).isFalse();
        assertThat(d.hint()).startsWith("git config user.email");
        assertThat(d.message()).isEqualTo("airlock: refused by the module layer (rule \"config & --global\"): "
                + "git's global configuration is the host user's, for every repository"
                + " ('config' & '--glob' matches a [deny] rule of builtin:git)."
                + " Instead: git config user.email ... (in the repository), or GIT_AUTHOR_EMAIL");
        assertThat(d.message()).doesNotContain("\n");
    }

    @Test
    void aPlainRuleIsRefusedAsBefore() throws ConfigError {
        Decision d = ArgumentRules.judge(ModuleLoader.load("git", "builtin:git", MODULE), List.of("push"));
        assertThat(d.hint()).isNull();
        assertThat(d.message()).isEqualTo("airlock: refused by the module layer (rule \"push\"): 'push' matches a [deny] rule of builtin:git");
    }

    @Test
    void aMistakeInAnEntryNamesItsLineAndKey() {
        ConfigError e = catchThrowableOfType(ConfigError.class, () -> ModuleLoader.load("git", "/etc/airlock/commands/git.toml", """
                [command]
                bin = "git"
                [deny]
                args = [
                  "push",
                  { match = "config & --global", whi = "typo" },
                ]
                """));
        assertThat(e.getMessage()).contains("git.toml:6").contains("whi").contains("unknown key");
        ConfigError noMatch = catchThrowableOfType(ConfigError.class, () -> ModuleLoader.load("git", "g.toml", """
                [command]
                bin = "git"
                [deny]
                args = [{ why = "no rule" }]
                """));
        assertThat(noMatch.getMessage()).contains("g.toml:4").contains("missing key 'match'");
        ConfigError badRule = catchThrowableOfType(ConfigError.class, () -> ModuleLoader.load("git", "g.toml", """
                [command]
                bin = "git"
                [deny]
                args = [
                  { match = "config --global" },
                ]
                """));
        assertThat(badRule.getMessage()).contains("g.toml:5").contains("config & --global");
        ConfigError notTable = catchThrowableOfType(ConfigError.class, () -> ModuleLoader.load("git", "g.toml", """
                [command]
                bin = "git"
                [deny]
                args = [1]
                """));
        assertThat(notTable.getMessage()).contains("g.toml:4").contains("string or an inline table");
    }
}
