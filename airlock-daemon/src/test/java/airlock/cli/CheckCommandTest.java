package airlock.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class CheckCommandTest {
    @TempDir Path tmp;

    @Test
    void aGoodConfigPasses() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        var r = cli.run("check");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("ok: " + cli.config).contains("1 profile(s)");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void aMissingConfigDirectoryIsAProblem() throws Exception {
        Cli cli = new Cli(tmp);
        var r = cli.run("check");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains(cli.config + ": no such config directory (airlock init creates one)");
        assertThat(r.err()).startsWith("airlock: 1 problem");
    }

    @Test
    void brokenTomlNamesTheFileAndTheLine() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        Path config = cli.write("config.toml", "[commands]\nenable = [\"git\"]\nthis is not toml\n[log]\nmax_files = 3\n");
        var r = cli.run("check");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).containsPattern(java.util.regex.Pattern.quote(config.toString()) + ":3: ");
    }

    @Test
    void listsEveryProblemInEveryFileNotJustTheFirst() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        Path config = cli.write("config.toml", "[commands]\nenable = [\"git\", \"frobnicate\"]\n");
        Path broken = cli.write("profiles/broken.toml", "commands = [\"git\"]\nmounts = 3\n");
        Path typo = cli.write("profiles/typo.toml", "comands = []\n");
        Path module = cli.write("commands/git.toml", "[command]\nbin = \"git\"\n[deny]\nargs = [\"push\"]\n[allow]\nargs = []\n");
        Path hook = cli.write("hooks/pre-exec", "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rw-rw-r--"));

        var r = cli.run("check");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains(
                config + ": [commands] enable lists 'frobnicate' but it has no module",
                broken.toString(), typo + ":1: key 'comands'", module.toString(),
                hook + ": is not executable", hook + ": is writable by its group");
        // 7: typo.toml has two, the unknown key 'comands' and the missing 'commands'
        assertThat(r.err()).startsWith("airlock: 7 problems in " + cli.config);
    }

    @Test
    void listsEveryMistakeOfEachFileWithItsLineAndKey() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        Path config = cli.write("config.toml", "[commands]\nenable = [\"git\"]\n[log]\nmax_files = 0\n[hooks]\ntimeout_seconds = 0\n");
        Path profile = cli.write("profiles/two.toml", "commands = [\"git\"]\nmount = {}\n[secrets.git]\nenv = { HOME = \"x\" }\n");
        Path module = cli.write("commands/git.toml", "[command]\nbin = \"git\"\n[deny]\nargs = [\"push\", \"-\", \"a & \"]\n"
                + "[exec]\nstdin = 1\n");
        var r = cli.run("check");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains(
                config + ":4: key 'log.max_files': must be between 1 and 1000",
                config + ":6: key 'hooks.timeout_seconds': must be between 1 and 3600",
                profile + ":2: key 'mount': unknown key",
                profile + ":4: key 'secrets.git.env.HOME': HOME decides which program runs",
                module + ":4: key 'deny.args': rule \"-\"",
                module + ":4: key 'deny.args': rule \"a & \"",
                module + ":6: key 'exec.stdin': must be true or false");
        assertThat(r.err()).startsWith("airlock: 7 problems in " + cli.config);
    }

    @Test
    void aUserModuleThatConfinesNoPathIsWarnedAbout() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        Path bare = cli.write("commands/jq.toml", "[command]\nbin = \"jq\"\n[deny]\nargs = []\n");
        Path declared = cli.write("commands/yq.toml", "[command]\nbin = \"yq\"\n[flags]\npositional_paths = [\"*\"]\n[deny]\nargs = []\n");
        var r = cli.run("check");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("warning: " + bare + ": declares no path arguments ([flags] paths, positional_paths): if jq reads")
                .doesNotContain(declared + ": declares no path");
    }

    @Test
    void hooksMustBeRegularFilesNotSymlinks() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        Path real = tmp.resolve("elsewhere.sh");
        Files.writeString(real, "#!/bin/sh\n");
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwx------"));
        Files.createSymbolicLink(cli.config.resolve("hooks/post-exec"), real);
        Path perProfile = cli.write("profiles/default.hooks/pre-exec", "#!/bin/sh\n");
        Files.setPosixFilePermissions(perProfile, PosixFilePermissions.fromString("rwx---rwx"));
        var r = cli.run("check");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains(cli.config.resolve("hooks/post-exec") + ": is a symlink", perProfile + ": is writable by others");
    }

    @Test
    void aGoodHookPasses() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        Path hook = cli.write("hooks/pre-exec", "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        var r = cli.run("check");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("1 hook(s)");
    }

    @Test
    void warningsDoNotFail() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        Path p = cli.write("profiles/ci.toml", "commands = [\"terraform\"]\n");
        var r = cli.run("check");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("warning: " + p + ": commands lists 'terraform', which config.toml does not enable",
                "warning: " + p + ": no [mounts]");
    }

    @Test
    void relativeMountsAreProblems() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        Path p = cli.write("profiles/rel.toml", "commands = []\n[mounts]\n\"work\" = \"./here\"\n");
        var r = cli.run("check");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains(p + ": [mounts] key 'work' must be an absolute container path",
                p + ": [mounts] 'work' maps to './here', which must be an absolute host path");
    }

    @Test
    void aSocketPathTooLongForAUnixSocketIsAProblem() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        String name = "p".repeat(120);
        Path p = cli.write("profiles/" + name + ".toml", "commands = []\n[mounts]\n\"/w\" = \"/tmp\"\n");
        var r = cli.run("check");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains(p + ": its socket path ", "a unix socket path holds at most 103");
    }
}
