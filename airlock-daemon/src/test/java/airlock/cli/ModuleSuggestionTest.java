package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.rules.CommandModule;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The module airlock suggest prints: loads for every built-in, allows what was seen, generalises only with many, never '*' alone. */
class ModuleSuggestionTest {
    private static CommandModule builtin(String name) throws Exception {
        return ConfigDirectory.loadModule(name, ConfigDirectory.BuiltinModules.source(name), ConfigDirectory.BuiltinModules.text(name).orElseThrow());
    }

    @Test
    void everyBuiltinModuleGetsItsRuleTableReplacedAndTheRestKept() throws Exception {
        for (String name : ConfigDirectory.BuiltinModules.names()) {
            CommandModule m = builtin(name);
            String text = ConfigDirectory.BuiltinModules.text(name).orElseThrow();
            ModuleSuggestion.Result r = ModuleSuggestion.suggest(m, text, List.of(List.of("version")), List.of(), "# header\n");
            assertThat(r.loadError()).as(name + "\n" + r.text()).isEmpty();
            assertThat(r.notAllowed()).as(name).isEmpty();
            CommandModule loaded = ConfigDirectory.loadModule(name, "x", r.text());
            assertThat(loaded.mode()).isEqualTo(CommandModule.Mode.ALLOW);
            assertThat(loaded.env()).as(name).isEqualTo(m.env());
            assertThat(loaded.checks()).as(name).isEqualTo(m.checks());
            assertThat(loaded.sandbox()).as(name).isEqualTo(m.sandbox());
            assertThat(loaded.syntax().value()).as(name).isEqualTo(m.syntax().value());
        }
    }

    @Test
    void generalisesOnlyWhereManyDifferentOnesWereSeenAndNeverToAStarAlone() throws Exception {
        CommandModule git = builtin("git");
        String text = ConfigDirectory.BuiltinModules.text("git").orElseThrow();
        List<List<String>> seen = new ArrayList<>(List.of(
                List.of("push", "origin", "main"), List.of("push", "origin", "feature/a"), List.of("push", "origin", "feature/b"),
                List.of("fetch", "origin"), List.of("fetch", "upstream"),
                List.of("-C", "/workspace/a", "status"), List.of("-C", "/workspace/b", "status"), List.of("-C", "/workspace/c", "status"),
                List.of("--git-dir", "x", "log"), List.of("--git-dir", "y", "log"), List.of("--git-dir", "z", "log")));
        ModuleSuggestion.Result r = ModuleSuggestion.suggest(git, text, seen, List.of(List.of("push", "origin", "--force")), "");
        assertThat(r.text())
                .contains("{ match = \"push origin\", only_flags = [] }")     // three branches
                .contains("{ match = \"fetch origin\", only_flags = [] }")    // two remotes: each
                .contains("{ match = \"fetch upstream\", only_flags = [] }")
                .contains("{ match = \"status\", only_flags = [\"-C=/workspace/*\"] }")
                // x, y, z: three values without a common prefix stay a list, never "--git-dir=*"
                .contains("{ match = \"log\", only_flags = [\"--git-dir=x\", \"--git-dir=y\", \"--git-dir=z\"] }");
        assertThat(r.notAllowed()).isEmpty();
        assertThat(r.stillAllowed()).isEmpty();
        assertThat(r.text()).doesNotContain("\"*\"").doesNotContain("=*\"");
    }

    @Test
    void aGeneralisationThatWouldTakeInARefusedRequestIsUndone() throws Exception {
        CommandModule git = builtin("git");
        String text = ConfigDirectory.BuiltinModules.text("git").orElseThrow();
        List<List<String>> seen = List.of(List.of("remote", "add", "a", "x"), List.of("remote", "add", "b", "y"), List.of("remote", "add", "c", "z"));
        // a stand-in for a refusal the cut would allow: the module refused "remote add evil ..." (a [deny] the suggestion replaces)
        ModuleSuggestion.Result r = ModuleSuggestion.suggest(git, text, seen, List.of(List.of("remote", "add", "evil", "w")), "");
        assertThat(r.text()).contains("{ match = \"remote add a x\", only_flags = [] }").doesNotContain("match = \"remote add\",");
        assertThat(r.stillAllowed()).isEmpty();
        assertThat(r.notAllowed()).isEmpty();
    }

    @Test
    void agentTextIsEscapedForTheTerminal() {
        assertThat(ModuleSuggestion.tomlString("a\"b\\c\u001b[31m\u202e")).isEqualTo("\"a\\\"b\\\\c\\u001b[31m\\u202e\"");
    }
}
