package airlock.install;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command line documented in README.md and docs/*.md ({@link DocumentedCommand}) has a step
 * in {@link DocumentedCommandsTest#scenario()} that runs it exactly as written (a synopsis: an
 * instance of it), or an entry in {@link DocumentedCommandsTest#EXCLUDED} with the reason. A newly
 * documented command fails here, naming the file and line and what to add. Runs no process.
 */
class DocumentedCommandsCoverageTest {
    @Test
    void everyDocumentedCommandHasAStepThatRunsItAsWritten() {
        List<DocumentedCommand> documented = DocumentedCommand.in(DocumentedCommandsTest.REPO);
        assertThat(documented).as("the extractor finds the README's set-up line").anyMatch(d -> d.text().equals(DocumentedCommandsTest.README_SETUP));
        Map<String, List<DocumentedCommandsTest.Step>> steps = new LinkedHashMap<>();
        for (DocumentedCommandsTest.Step s : DocumentedCommandsTest.steps()) steps.computeIfAbsent(s.documented(), k -> new ArrayList<>()).add(s);

        List<String> problems = new ArrayList<>();
        Set<String> texts = new LinkedHashSet<>();
        for (DocumentedCommand d : documented) {
            texts.add(d.text());
            if (DocumentedCommandsTest.EXCLUDED.containsKey(d.text())) continue;
            List<DocumentedCommandsTest.Step> mine = steps.get(d.text());
            if (mine == null) {
                problems.add(d.where() + ": `" + d.text() + "` runs in no step. Add to DocumentedCommandsTest.scenario(), where a person "
                        + "would run it: host(\"" + d.text().replace("\"", "\\\"") + "\")"
                        + (d.isSynopsis() ? ".as(\"<an instance: concrete words for the placeholders>\")" : "")
                        + ".shows(\"<what proves it worked>\") (.agent() for a command run in the container; .exit(N) when it "
                        + "fails on purpose), or to EXCLUDED with the reason it cannot run in a test");
                continue;
            }
            for (DocumentedCommandsTest.Step s : mine) {
                if (!d.admits(s.run())) {
                    problems.add(d.where() + ": `" + d.text() + "` is run as `" + s.run() + "`, which is not "
                            + (d.isSynopsis() ? "an instance of that synopsis" : "the command as written"));
                }
            }
        }
        for (String text : steps.keySet()) {
            if (!texts.contains(text)) problems.add("step `" + text + "` runs a command documented nowhere any more: change or remove the step");
        }
        for (String text : DocumentedCommandsTest.EXCLUDED.keySet()) {
            if (!texts.contains(text)) problems.add("EXCLUDED `" + text + "` is documented nowhere any more: remove it");
        }
        assertThat(problems).as("documented commands without a step that runs them:\n" + String.join("\n", problems)).isEmpty();
    }

    @Test
    void whatCountsAsADocumentedCommand() {
        List<DocumentedCommand> found = DocumentedCommand.in("x.md", List.of(
                "Run `airlock profile list` / `airlock profile",
                "show NAME` to see them; `airlock:` messages and `airlockd` are not commands.",
                "",
                "```sh",
                "airlock secret set github_token   # asked without echo",
                "gh auth token | airlock secret set github_token",
                "docker run -v a:b \\",
                "  my-agent airlock whoami",
                "git push   # not airlock's",
                "```",
                "```toml",
                "airlock = \"not a command\"",
                "```",
                "```",
                "airlock: refused by the module layer",
                "```"));
        assertThat(found).extracting(DocumentedCommand::text).containsExactly(
                "airlock profile list", "airlock profile show NAME", "airlock secret set github_token",
                "gh auth token | airlock secret set github_token");
        assertThat(found).extracting(DocumentedCommand::line).containsExactly(1, 1, 5, 6);
    }

    @Test
    void aSynopsisAdmitsItsInstancesOnly() {
        DocumentedCommand revoke = new DocumentedCommand("x.md", 1, "airlock profile revoke NAME [--reason TEXT]", false);
        assertThat(revoke.isSynopsis()).isTrue();
        assertThat(revoke.admits("airlock profile revoke ci")).isTrue();
        assertThat(revoke.admits("airlock profile revoke ci --reason \"token leaked\"")).isTrue();
        assertThat(revoke.admits("airlock profile revoke ci --config x")).isFalse();
        assertThat(revoke.admits("airlock profile rotate ci")).isFalse();
        DocumentedCommand test = new DocumentedCommand("x.md", 1, "airlock test [--cwd PATH] [--no-daemon] PROFILE CMD [ARGS...]", false);
        assertThat(test.admits("airlock test default git")).isTrue();
        assertThat(test.admits("airlock test --no-daemon default git push --force")).isTrue();
        assertThat(test.admits("airlock test default")).isFalse();
        DocumentedCommand alternatives = new DocumentedCommand("x.md", 1, "airlock profile lock|rotate|revoke", false);
        assertThat(alternatives.admits("airlock profile rotate default")).as("a verb named in the text").isTrue();
        assertThat(alternatives.admits("airlock profile show default")).isFalse();
        DocumentedCommand angle = new DocumentedCommand("x.md", 1, "airlock test <profile> <command> <args...>", false);
        assertThat(angle.admits("airlock test default git status")).isTrue();
        DocumentedCommand mention = new DocumentedCommand("x.md", 1, "airlock approve", false);
        assertThat(mention.isSynopsis()).isFalse();
        assertThat(mention.admits("airlock approve 3f2a")).as("a verb named in the text").isTrue();
        DocumentedCommand fenced = new DocumentedCommand("x.md", 1, "airlock profile lock ci", true);
        assertThat(fenced.admits("airlock profile lock ci")).isTrue();
        assertThat(fenced.admits("airlock profile lock ci --config /x")).as("a fenced command runs as written").isFalse();
    }
}
