package airlock.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 20.8: the {@code docker run} of docs/deploy.md's host recipe, read from the doc itself,
 * must put the workspace where the starter profile ({@code airlock init}) maps it: its {@code -w}
 * is a cwd the profile accepts, and its workspace mount is the profile's own mapping.
 */
class DeployDocTest {
    static final Path DOC = Path.of("..", "docs", "deploy.md");

    @TempDir Path tmp;

    @Test
    void theHostRecipesWorkspaceMountIsWhereTheStarterProfileMapsIt() throws Exception {
        String doc = Files.readString(DOC);
        int section = doc.indexOf("## 1. On the host");
        Matcher block = Pattern.compile("```sh\n(docker run [^`]*)```").matcher(doc);
        assertThat(block.find(section)).as("a docker run block in '## 1. On the host'").isTrue();
        String run = block.group(1);

        Cli cli = new Cli(tmp);
        assertThat(cli.run("init", "--no-service").exit()).isZero();
        String home = cli.home.toString();
        Matcher w = Pattern.compile("-w (\\S+)").matcher(run);
        assertThat(w.find()).as(run).isTrue();
        String cwd = expand(w.group(1), home);
        Matcher v = Pattern.compile("-v (\\S+):(\\S+)").matcher(run);
        String hostSide = null;
        String containerSide = null;
        while (v.find()) {
            if (!v.group(2).equals("/run/docker-airlock.sock")) {
                hostSide = expand(v.group(1), home);
                containerSide = expand(v.group(2), home);
            }
        }
        assertThat(containerSide).as("the workspace mount of " + run).isNotNull().isEqualTo(cwd);
        String profile = Files.readString(cli.config.resolve("profiles/default.toml"));
        assertThat(profile).as("the starter profile maps the doc's host folder onto the doc's container path")
                .contains("\"" + hostSide + "\" = \"" + containerSide + "\"");
        Files.createDirectories(Path.of(hostSide));

        var judged = cli.run("test", "--no-daemon", "--cwd", cwd, "default", "git", "status");
        assertThat(judged.exit()).as(judged.toString()).isZero();
    }

    /** What the shell does to {@code ~/x} and {@code $HOME/x} for a user whose home is {@code home}. */
    static String expand(String word, String home) {
        if (word.startsWith("~/")) return home + word.substring(1);
        return word.replace("$HOME", home);
    }
}
