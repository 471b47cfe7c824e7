package airlock.cli;

import airlock.daemon.ConfigDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** eject, show and diff: the user's module against the built-in. */
class ModuleVerbsTest {
    @TempDir Path tmp;

    String builtinGit() {
        return ConfigDirectory.BuiltinModules.text("git").orElseThrow();
    }

    @Test
    void ejectCopiesTheBuiltInAndRefusesToOverwriteWithoutForce() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        Path target = cli.config.resolve("commands/git.toml");
        var r = cli.run("eject", "git");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.readString(target)).isEqualTo(builtinGit());
        assertThat(r.out()).contains("wrote " + target + " (a copy of builtin:git)");

        Files.writeString(target, "# my edits\n");
        var again = cli.run("eject", "git");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).startsWith("airlock: " + target + " exists; not overwriting").contains("--force");
        assertThat(Files.readString(target)).isEqualTo("# my edits\n");

        var forced = cli.run("eject", "git", "--force");
        assertThat(forced.exit()).isZero();
        assertThat(Files.readString(target)).isEqualTo(builtinGit());
    }

    @Test
    void ejectOfAnUnknownModuleNamesTheBuiltIns() throws Exception {
        Cli cli = new Cli(tmp);
        var r = cli.run("eject", "nosuchtool");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("airlock: no built-in module named 'nosuchtool' (built-ins: ").contains("git");
        assertThat(cli.run("eject", "../../etc/passwd").err()).startsWith("airlock: no built-in module named");
    }

    @Test
    void showSaysWhereTheActiveModuleComesFrom() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        var builtin = cli.run("show", "git");
        assertThat(builtin.exit()).isZero();
        assertThat(builtin.out()).startsWith("# git: built-in module (builtin:git").contains("# enabled in ").endsWith(builtinGit());

        Path mine = cli.write("commands/git.toml", "[command]\nbin = \"git\"\n[allow]\nargs = [\"status\"]\n");
        var user = cli.run("show", "git");
        assertThat(user.exit()).isZero();
        assertThat(user.out()).startsWith("# git: your module " + mine + " (replaces the built-in").endsWith("args = [\"status\"]\n");
    }

    @Test
    void showOfABrokenModuleSaysSoAndFails() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        Path mine = cli.write("commands/git.toml", "[command]\nbin = \"git\"\n");
        var r = cli.run("show", "git");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("bin = \"git\"");
        assertThat(r.err()).startsWith("airlock: this module does not load").contains(mine.toString());
    }

    @Test
    void showOfAnUnknownCommandFails() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        var r = cli.run("show", "kubectl-nope");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("airlock: no module for 'kubectl-nope'");
    }

    @Test
    void showSaysWhenTheCommandIsNotEnabled() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        cli.write("config.toml", "[commands]\nenable = [\"mytool\"]\n");
        cli.write("commands/mytool.toml", "[command]\nbin = \"mytool\"\n[deny]\nargs = []\n");
        assertThat(cli.run("show", "git").out()).contains("NOT enabled in");
        assertThat(cli.run("show", "mytool").out()).contains("(no built-in exists)");
    }

    @Test
    void diffShowsTheOverrideAgainstTheBuiltIn() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        var none = cli.run("diff", "git");
        assertThat(none.exit()).isZero();
        assertThat(none.out()).startsWith("no override:");

        cli.run("eject", "git");
        assertThat(cli.run("diff", "git").out()).startsWith("no difference:");

        Path m = cli.config.resolve("commands/git.toml");
        Files.writeString(m, Files.readString(m).replace("args = [\n", "args = [ \"push\",\n") + "# extra\n");
        var r = cli.run("diff", "git");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("--- builtin:git\n+++ " + m + "\n@@ ")
                .contains("\n-args = [\n+args = [ \"push\",\n")
                .contains("\n+# extra\n");
    }

    @Test
    void diffOfAnUnknownCommandFails() throws Exception {
        Cli cli = new Cli(tmp);
        var r = cli.run("diff", "nosuchtool");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("airlock: no module for 'nosuchtool'");
    }

    @Test
    void lineDiffHunksLikeDiffU() {
        String a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n";
        String b = a.replaceFirst("\n2\n", "\ntwo\n").replace("\n18\n", "\n").concat("21\n");
        assertThat(LineDiff.unified(a, b, "a", "b")).isEqualTo("""
                --- a
                +++ b
                @@ -1,5 +1,5 @@
                 1
                -2
                +two
                 3
                 4
                 5
                @@ -15,6 +15,6 @@
                 15
                 16
                 17
                -18
                 19
                 20
                +21
                """);
        assertThat(LineDiff.unified(a, a, "a", "b")).isEmpty();
        assertThat(LineDiff.unified("", "x\n", "a", "b")).isEqualTo("--- a\n+++ b\n@@ -0,0 +1,1 @@\n+x\n");
    }
}
