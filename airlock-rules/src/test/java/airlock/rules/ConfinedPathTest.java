package airlock.rules;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The decision lists every path argument the daemon must keep inside the profile's mounts. */
class ConfinedPathTest {
    static final String GIT = """
            [command]
            bin = "git"
            [flags]
            paths = ["-C", "--git-dir", "--work-tree", "--exec-path", "--output"]
            switches = ["--no-index", "-p"]
            positional_paths = ["diff & --no-index"]
            [deny]
            args = ["--upload-pack"]
            """;
    static final String SSH = """
            [command]
            bin = "ssh"
            [flags]
            value = ["-o", "-L"]
            paths = ["-F", "-i"]
            [deny]
            args = ["-A"]
            """;

    /** A tool without subcommands: the first positional is the filter, the others files; jq --rawfile NAME FILE. */
    static final String JQ = """
            [command]
            bin = "jq"
            [flags]
            abbreviations = false
            switches = ["-n", "-r", "-R", "-s", "-c", "--args"]
            value = ["--indent"]
            value_count = { "--arg" = 2, "--argjson" = 2, "--rawfile" = 2, "--slurpfile" = 2 }
            paths = ["-f", "--from-file", "-L", { flag = "--rawfile", value = 2 }, { flag = "--slurpfile", value = 2 }]
            positional_paths = ["-f", "--from-file", { match = "*", skip = 1 }]
            [deny]
            args = []
            """;

    static Stream<Arguments> table() {
        return Stream.of(
                arguments(GIT, "-C /etc status", List.of(new ConfinedPath("-C", "/etc"))),
                arguments(GIT, "-C/etc status", List.of(new ConfinedPath("-C", "/etc"))),
                arguments(GIT, "--git-dir=/x/.git log", List.of(new ConfinedPath("--git-dir", "/x/.git"))),
                arguments(GIT, "--git-dir /x/.git log", List.of(new ConfinedPath("--git-dir", "/x/.git"))),
                arguments(GIT, "--git-d=/x log", List.of(new ConfinedPath("--git-dir", "/x"))),
                arguments(GIT, "--work-tree ../w --git-dir ../g status",
                        List.of(new ConfinedPath("--work-tree", "../w"), new ConfinedPath("--git-dir", "../g"))),
                arguments(GIT, "log --output=/tmp/o", List.of(new ConfinedPath("--output", "/tmp/o"))),
                arguments(GIT, "status", List.of()),
                arguments(GIT, "log -- -C /etc", List.of()),
                arguments(GIT, "diff a b", List.of()),
                arguments(GIT, "diff --no-index /etc/shadow b",
                        List.of(ConfinedPath.positional("/etc/shadow"), ConfinedPath.positional("b"))),
                arguments(GIT, "-p diff --no-index -- /etc/shadow b",
                        List.of(ConfinedPath.positional("/etc/shadow"), ConfinedPath.positional("b"))),
                arguments(SSH, "-F /etc/ssh/cfg host", List.of(new ConfinedPath("-F", "/etc/ssh/cfg"))),
                arguments(SSH, "-i~/.ssh/id host", List.of(new ConfinedPath("-i", "~/.ssh/id"))),
                arguments(SSH, "-vi key host", List.of(new ConfinedPath("-i", "key"))),
                arguments(SSH, "-vF cfg host", List.of(new ConfinedPath("-F", "cfg"))),
                arguments(JQ, "-R . /host/home/.ssh/id_ed25519", List.of(ConfinedPath.positional("/host/home/.ssh/id_ed25519"))),
                arguments(JQ, ".. a.json b.json", List.of(ConfinedPath.positional("a.json"), ConfinedPath.positional("b.json"))),
                arguments(JQ, "-n --rawfile k /host/file $k", List.of(new ConfinedPath("--rawfile", "/host/file"))),
                arguments(JQ, "-n --slurpfile k /host/f.json --arg x /not/a/file $k", List.of(new ConfinedPath("--slurpfile", "/host/f.json"))),
                arguments(JQ, "--indent 2 .a in.json", List.of(ConfinedPath.positional("in.json"))),
                arguments(JQ, "-f prog.jq in.json", List.of(new ConfinedPath("-f", "prog.jq"), ConfinedPath.positional("in.json"))),
                arguments(JQ, "-nr .", List.of()),
                // -x is undeclared: ".a" may be its value, so /host/f may be a file and is confined
                arguments(JQ, "-x .a /host/f", List.of(ConfinedPath.positional(".a"), ConfinedPath.positional("/host/f"))));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("table")
    void confines(String module, String argv, List<ConfinedPath> expected) throws ConfigError {
        Decision d = ArgumentRules.judge(ModuleLoader.load("t", "test", module), List.of(argv.split(" ")));
        assertThat(d.allowed()).as(d.message()).isTrue();
        assertThat(d.confinedPaths()).containsExactlyElementsOf(expected);
    }
}
