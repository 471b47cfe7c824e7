package airlock.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ProfileCommandTest {
    @TempDir Path tmp;

    @Test
    void listShowsEveryProfileWithItsSocket() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        cli.write("profiles/ci.toml", "commands = [\"git\"]\n[mounts]\n\"/src\" = \"/tmp\"\n");
        var r = cli.run("profile list");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).containsPattern("ci +git +" + cli.config.resolve("sockets/ci.sock"))
                .containsPattern("default +every enabled command +" + cli.config.resolve("sockets/default.sock"));
    }

    @Test
    void listFlagsAProfileThatDoesNotLoad() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        Path bad = cli.write("profiles/bad.toml", "commands = \"git\"\n");
        var r = cli.run("profile list");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("DOES NOT LOAD: " + bad).containsPattern("default +every");
        assertThat(r.err()).startsWith("airlock: 1 profile(s) do not load");
    }

    @Test
    void listWithoutAConfigFails() throws Exception {
        Cli cli = new Cli(tmp);
        var r = cli.run("profile list");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("airlock: no " + cli.config.resolve("profiles"));
    }

    @Test
    void showResolvesTheProfileAgainstTheConfigAndHidesEnvValues() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        cli.write("profiles/ci.toml", "commands = [\"git\", \"terraform\"]\n[env]\nset = { TF_TOKEN = \"s3cret\" }\n"
                + "[mounts]\n\"/src\" = \"/tmp\"\n");
        var r = cli.run("profile show", "ci");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("profile  ci  (" + cli.config.resolve("profiles/ci.toml") + ")",
                "commands git\n", "not enabled in config.toml, so refused: terraform", "mounts   /src -> /tmp", "env set  TF_TOKEN")
                .doesNotContain("s3cret");
    }

    @Test
    void showOfAnUnknownProfileNamesTheKnownOnes() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        var r = cli.run("profile show", "nope");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("airlock: no profile named 'nope' in " + cli.config.resolve("profiles") + " (profiles: default)\n");
        assertThat(cli.run("profile show", "../config").exit()).isEqualTo(1);
    }

    @Test
    void showOfABrokenProfileNamesFileAndKey() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        Path p = cli.write("profiles/x.toml", "commands = []\nmounts = 1\n");
        var r = cli.run("profile show", "x");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("airlock: " + p).contains("mounts");
    }
}
