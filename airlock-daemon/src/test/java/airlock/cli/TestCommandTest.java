package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.Daemon;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class TestCommandTest {
    @TempDir Path tmp;
    Daemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) daemon.close();
    }

    void startDaemon(Cli cli) throws Exception {
        daemon = Daemon.start(new ConfigDirectory(cli.config), System.getenv(), new PrintStream(new ByteArrayOutputStream()));
    }

    @Test
    void anAllowedCommandPassesEveryLayerAndExitsZero() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        var r = cli.run("test", "default", "git", "status", "--short");
        assertThat(r.exit()).as(r.toString()).isZero();
        String ws = cli.home.resolve("ws").toString();
        assertThat(r.out()).contains("profile default: git status --short   (cwd " + ws + ")")
                .containsPattern("config +allowed")
                .containsPattern("profile +allowed")
                .containsPattern("module +allowed  no rule of builtin:git refuses")
                .containsPattern("mounts +allowed  cwd " + java.util.regex.Pattern.quote(ws + " -> " + ws))
                .contains("verdict: allowed", "daemon:  not asked: no socket");
    }

    @Test
    void aDeniedFlagIsRefusedByTheModuleWithItsRuleAndExitsOne() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        var r = cli.run("test", "--no-daemon", "default", "git", "fetch", "--upload-pack=evil");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).containsPattern("module +REFUSED  rule \"--upload-pack\": .*builtin:git")
                .contains("verdict: airlock: refused by the module layer (rule \"--upload-pack\")")
                .doesNotContain("daemon:");
    }

    @Test
    void aRuleWithAReasonShowsWhyAndWhatWorksInstead() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        var r = cli.run("test", "--no-daemon", "default", "git", "config", "--global", "user.email", "a@example.invalid");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).containsPattern("module +REFUSED  rule \"config & --global\": git's global configuration is the host user's own")
                .contains("verdict: airlock: refused by the module layer (rule \"config & --global\")")
                .contains("Instead: set it for this repository: git config user.email");
    }

    @Test
    void aUserModuleIsNamedUserToolNotByItsHostPath() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        Path module = cli.write("commands/git.toml", "[command]\nbin = \"git\"\n[flags]\npositional_paths = [\"*\"]\n[deny]\nargs = [\n"
                + "  { match = \"push\", why = \"pushing is the reviewer's job\", hint = \"commit, and ask for a review\" },\n]\n");
        var r = cli.run("test", "--no-daemon", "default", "git", "push");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("verdict: airlock: refused by the module layer (rule \"push\"): pushing is the reviewer's job"
                        + " ('push' matches a [deny] rule of user:git). Instead: commit, and ask for a review")
                .doesNotContain("matches a [deny] rule of " + module);
    }

    @Test
    void aDryRunAskedOfTheDaemonIsLoggedAsACheckNotAsARun() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        startDaemon(cli);
        assertThat(cli.run("test", "default", "git", "status").exit()).isZero();
        assertThat(cli.run("test", "default", "git", "config", "--global", "user.name", "x").exit()).isEqualTo(1);
        var log = cli.run("log");
        assertThat(log.exit()).as(log.toString()).isZero();
        String ws = cli.home.resolve("ws").toString();
        assertThat(log.out()).contains("check: would be allowed  git status  (dry run, nothing ran)")
                .contains("check: would be refused  git config --global user.name x  (dry run, nothing ran)")
                .contains("cwd " + ws + "  container ")
                .doesNotContain("allowed  git status  exit 0");
    }

    @Test
    void everyLayerIsShownEvenAfterTheFirstRefusal() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        cli.write("profiles/narrow.toml", "commands = [\"terraform\"]\n[mounts]\n\"/w\" = \"" + tmp + "\"\n");
        var r = cli.run("test", "--no-daemon", "narrow", "git", "fetch", "--upload-pack=x");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).containsPattern("profile +REFUSED  commands = \\[terraform\\] does not list git")
                .containsPattern("module +REFUSED  rule \"--upload-pack\"")
                .contains("verdict: airlock: refused by the profile layer");
    }

    @Test
    void aCommandNotEnabledIsRefusedByTheConfigLayer() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        var r = cli.run("test", "--no-daemon", "default", "terraform", "plan");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).containsPattern("config +REFUSED  terraform is not in config.toml")
                .contains("verdict: airlock: refused by the config layer");
    }

    @Test
    void aCwdOutsideTheMountsIsRefusedByTheMountsLayer() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        var r = cli.run("test", "--no-daemon", "--cwd", "/etc", "default", "git", "status");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).containsPattern("mounts +REFUSED  cwd /etc is outside").contains("refused by the mounts layer");
    }

    @Test
    void anUnknownProfileIsAnError() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        var r = cli.run("test", "nope", "git", "status");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("airlock: no profile named 'nope'").contains("(profiles: default)");
    }

    @Test
    void aMissingOrBrokenConfigIsAnError() throws Exception {
        Cli cli = new Cli(tmp);
        var missing = cli.run("test", "default", "git");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).startsWith("airlock: no ").contains("config.toml", "airlock init");

        cli.initialized();
        Path p = cli.write("profiles/default.toml", "commands = [\n");
        var broken = cli.run("test", "default", "git");
        assertThat(broken.exit()).isEqualTo(2);
        assertThat(broken.err()).startsWith("airlock: the config does not load").contains(p.toString());
    }

    @Test
    void theRunningDaemonIsAskedAndAgrees() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        startDaemon(cli);
        var allowed = cli.run("test", "default", "git", "log");
        assertThat(allowed.exit()).as(allowed.toString()).isZero();
        assertThat(allowed.out()).contains("daemon:  agrees: allowed");

        var refused = cli.run("test", "default", "git", "--upload-pack=x", "fetch");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.out()).contains("daemon:  agrees: airlock: refused by the module layer (rule \"--upload-pack\")");

        // the VERDICT frame itself carries layer and rule
        var answer = DaemonCheck.ask(cli.config.resolve("sockets/default.sock"), "git", java.util.List.of("--upload-pack=x", "fetch"), cli.home.resolve("ws").toString());
        assertThat(answer).isInstanceOfSatisfying(DaemonCheck.Answer.Decided.class, d -> {
            assertThat(d.verdict().allowed()).isFalse();
            assertThat(d.verdict().layer()).isEqualTo("module");
            assertThat(d.verdict().rule()).isEqualTo("--upload-pack");
            assertThat(d.verdict().message()).startsWith("airlock: refused by the module layer");
        });
        var outside = DaemonCheck.ask(cli.config.resolve("sockets/default.sock"), "git", java.util.List.of("log"), "/etc");
        assertThat(outside).isInstanceOfSatisfying(DaemonCheck.Answer.Decided.class, d -> {
            assertThat(d.verdict().allowed()).isFalse();
            assertThat(d.verdict().message()).contains("outside the profile's [mounts]");
        });
    }

    @Test
    void aDaemonRunningAnOlderConfigDisagrees() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        startDaemon(cli);
        // the daemon has the built-in loaded; the file on disk now also denies push
        assertThat(cli.run("eject", "git").exit()).isZero();
        Path m = cli.config.resolve("commands/git.toml");
        java.nio.file.Files.writeString(m, java.nio.file.Files.readString(m).replace("args = [\n", "args = [ \"push\",\n"));

        var r = cli.run("test", "default", "git", "push");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("verdict: airlock: refused by the module layer (rule \"push\")",
                "daemon:  DISAGREES: the running daemon says allowed");
        assertThat(r.err()).contains("airlock: the running daemon and this dry run disagree");
    }

    @Test
    void aPathArgumentOutsideTheMountsIsRefusedByTheMountsLayer() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        cli.write("commands/git.toml", "[command]\nbin = \"git\"\n[deny]\nargs = []\n[flags]\nvalue = [\"-C\"]\npaths = [\"-C\"]\n");
        var outside = cli.run("test", "--no-daemon", "default", "git", "-C", "/etc", "status");
        assertThat(outside.exit()).as(outside.toString()).isEqualTo(1);
        assertThat(outside.out()).containsPattern("mounts +REFUSED  cwd " + java.util.regex.Pattern.quote(cli.home.resolve("ws").toString()) + " -> .*; -C /etc is outside the profile's \\[mounts\\]")
                .contains("verdict: airlock: refused by the mounts layer");
        var inside = cli.run("test", "--no-daemon", "default", "git", "-C", ".", "status");
        assertThat(inside.exit()).as(inside.toString()).isZero();
    }

    @Test
    void argumentsAreShownQuotedWhenTheyNeedIt() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        var r = cli.run("test", "--no-daemon", "default", "git", "commit", "-m", "it's done", "");
        assertThat(r.out()).startsWith("profile default: git commit -m 'it'\\''s done' ''   (cwd " + cli.home.resolve("ws") + ")");
    }

    @Test
    void theDryRunRunsTheToolChecksAsTheDaemonDoes() throws Exception {
        // issue 11: the dry run used to skip the checks and say "allowed" here
        Cli cli = new Cli(tmp);
        cli.initialized();
        cli.write("config.toml", "[commands]\nenable = [\"git\", \"kubectl\"]\n");
        Path bin = java.nio.file.Files.createDirectories(tmp.resolve("bin"));
        Path kubectl = java.nio.file.Files.writeString(bin.resolve("kubectl"), "#!/bin/sh\nexit 0\n");
        kubectl.toFile().setExecutable(true);
        cli.env.put("PATH", bin + ":" + System.getenv("PATH"));
        var r = cli.run("test", "--no-daemon", "default", "kubectl", "get", "secrets");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).containsPattern("check kubectl +REFUSED  rule \"kubectl:get-secrets\"")
                .contains("verdict: airlock: refused by the check layer (rule \"kubectl:get-secrets\"): kubectl get secrets prints Secrets");

        var env = new java.util.HashMap<>(System.getenv());
        env.put("PATH", cli.env.get("PATH"));
        daemon = Daemon.start(new ConfigDirectory(cli.config), env, new PrintStream(new ByteArrayOutputStream()));
        var asked = cli.run("test", "default", "kubectl", "get", "secrets");
        assertThat(asked.out()).contains("daemon:  agrees: airlock: refused by the check layer (rule \"kubectl:get-secrets\")");
        assertThat(cli.run("test", "--no-daemon", "default", "kubectl", "get", "pods").exit()).isZero();
    }

    @Test
    void anAskRuleIsShownAsAWaitForAPerson() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        Path p = cli.config.resolve("profiles/default.toml");
        java.nio.file.Files.writeString(p, java.nio.file.Files.readString(p) + "\n[ask]\nargs = [\"push\"]\n");
        var r = cli.run("test", "--no-daemon", "default", "git", "push", "origin", "main");
        assertThat(r.out()).as(r.toString()).containsPattern("ask +allowed  waits for a person: rule \"push\"");
        assertThat(cli.run("test", "--no-daemon", "default", "git", "status").out()).doesNotContain("waits for a person");
    }
}
