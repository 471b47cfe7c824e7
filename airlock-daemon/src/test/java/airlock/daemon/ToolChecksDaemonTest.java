package airlock.daemon;

import airlock.rules.ConfigError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tool checks are selected by the module ([checks] use), never by the executable's name: an
 * ejected module keeps them, a module can opt out, another command can opt in, and a name the
 * daemon does not have fails the load with file, line and key.
 */
class ToolChecksDaemonTest {
    @TempDir Path tmp;
    DaemonFixture f;

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    private void plantFsmonitor() throws Exception {
        Path canary = tmp.resolve("canary");
        Files.writeString(f.repo.resolve(".git/config"), "[core]\n\tfsmonitor = \"touch " + canary + "\"\n", java.nio.file.StandardOpenOption.APPEND);
    }

    private String builtinGit() {
        return ConfigDirectory.BuiltinModules.text("git").orElseThrow();
    }

    @Test
    void anEjectedModuleKeepsItsChecks() throws Exception {
        f = new DaemonFixture(tmp, "");
        Files.createDirectories(f.config.resolve("commands"));
        Files.writeString(f.config.resolve("commands/git.toml"), builtinGit()); // what airlock eject writes
        f.start();
        plantFsmonitor();
        var r = f.git("status");
        assertThat(r.refusal()).startsWith("airlock: refused by the check layer (rule \"git:config-keys\"): workspace config key core.fsmonitor");
        assertThat(tmp.resolve("canary")).doesNotExist();
    }

    @Test
    void aModuleWithoutTheTableRunsNoCheck() throws Exception {
        f = new DaemonFixture(tmp, "");
        Files.createDirectories(f.config.resolve("commands"));
        Files.writeString(f.config.resolve("commands/git.toml"), "[command]\nbin = \"git\"\n[deny]\nargs = []\n");
        f.start();
        // no check: the git check would refuse a repository config key of an unknown section
        Files.writeString(f.repo.resolve(".git/config"), "[unknownsection]\n\tkey = x\n", java.nio.file.StandardOpenOption.APPEND);
        var r = f.git("status", "--short");
        assertThat(r.refusal()).isNull();
        assertThat(r.exit()).isZero();
    }

    @Test
    void anotherCommandThatSelectsTheCheckIsChecked() throws Exception {
        f = new DaemonFixture(tmp, "");
        Files.writeString(f.config.resolve("config.toml"), "[commands]\nenable = [\"git\", \"vcs\"]\n");
        Files.createDirectories(f.config.resolve("commands"));
        // a command named vcs that runs git: the check follows the module, not the executable's name
        Files.writeString(f.config.resolve("commands/vcs.toml"), builtinGit());
        f.start();
        plantFsmonitor();
        var r = SocketClient.run(f.socket("default"), "vcs", List.of("status"), f.repo.toString());
        assertThat(r.refusal()).contains("refused by the check layer (rule \"git:config-keys\")");
        assertThat(tmp.resolve("canary")).doesNotExist();
    }

    /** Issue 13: the check's whole look at the repository is one host process, the config listing. */
    @Test
    void anOrdinaryCallStartsOneHostProcessBeforeTheRealOne() throws Exception {
        f = new DaemonFixture(tmp, "");
        Path log = tmp.resolve("git-calls");
        Path wrapper = tmp.resolve("git-wrapper");
        Files.writeString(wrapper, "#!/bin/sh\necho \"$*\" >> '" + log + "'\nexec /usr/bin/git \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(f.config.resolve("commands"));
        Files.writeString(f.config.resolve("commands/git.toml"), builtinGit().replace("bin = \"git\"", "bin = \"" + wrapper + "\""));
        f.start();
        Files.createDirectories(f.repo.resolve("sub/dir"));
        var r = SocketClient.run(f.socket("default"), "git", List.of("status", "--short"), f.repo.resolve("sub/dir").toString());
        assertThat(r.refusal()).isNull();
        assertThat(r.exit()).isZero();
        assertThat(Files.readAllLines(log)).containsExactly("config --list --show-scope --show-origin -z", "status --short");
        // and the check still reads the repository it found that way
        Files.delete(log);
        plantFsmonitor();
        r = SocketClient.run(f.socket("default"), "git", List.of("status"), f.repo.resolve("sub/dir").toString());
        assertThat(r.refusal()).contains("rule \"git:config-keys\"");
        assertThat(Files.readAllLines(log)).containsExactly("config --list --show-scope --show-origin -z");
    }

    @Test
    void anUnknownCheckFailsTheLoadWithFileLineAndKey() throws Exception {
        f = new DaemonFixture(tmp, "");
        Path module = Files.createDirectories(f.config.resolve("commands")).resolve("git.toml");
        Files.writeString(module, "[command]\nbin = \"git\"\n[deny]\nargs = []\n[checks]\nuse = [\"git\",\n  \"gti\"]\n");
        ConfigError e = catchThrowableOfType(ConfigError.class, () -> new ConfigDirectory(f.config).load());
        assertThat(e.getMessage()).startsWith(module + ":7:").contains("checks.use", "unknown check 'gti'", "aws, docker, gh, git, kubectl, ssh, terraform");
    }

    @Test
    void aCheckThatCannotFinishRefusesInsteadOfAllowing() throws Exception {
        // an include of a FIFO makes git's own config reading hang: the check times out and must
        // refuse (it once fell through to "allowed" on any I/O failure)
        f = new DaemonFixture(tmp, "").start();
        Path fifo = f.work.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Files.writeString(f.repo.resolve(".git/config"), "[include]\n\tpath = " + fifo + "\n", java.nio.file.StandardOpenOption.APPEND);
        var r = f.git("status");
        assertThat(r.refusal()).startsWith("airlock: refused by the check layer (rule \"git:repository\")");
    }

    @Test
    void aLocalRemotesOwnOriginDoesNotBlockTheRepositoryThatPushesToIt() throws Exception {
        // issue 12.3: a bare remote in the workspace cloned from a folder outside the mounts keeps
        // that folder in its own remote.origin.url; status, log and push never read it
        f = new DaemonFixture(tmp, "").start();
        Path outside = Git.initRepo(tmp.resolve("outside/src"));
        Git.run(outside, "commit", "-q", "--allow-empty", "-m", "first");
        Git.run(f.work, "clone", "-q", "--bare", outside.toString(), f.work.resolve("remote.git").toString());
        Git.run(f.repo, "remote", "add", "origin", f.work.resolve("remote.git").toString());
        Git.run(f.repo, "commit", "-q", "--allow-empty", "-m", "mine");
        assertThat(f.git("status").exit()).as(f.git("status").toString()).isZero();
        assertThat(f.git("log", "--oneline").out()).contains("mine");
        var push = f.git("push", "-q", "origin", "HEAD:refs/heads/agent");
        assertThat(push.refusal()).as(push.toString()).isNull();
        assertThat(push.exit()).isZero();
        // a hook in that remote is still refused: receive-pack would run it on the host
        Path hook = f.work.resolve("remote.git/hooks/post-receive");
        Files.writeString(hook, "#!/bin/sh\ntouch " + tmp.resolve("canary") + "\n");
        hook.toFile().setExecutable(true);
        assertThat(f.git("push", "-q", "origin", "HEAD:refs/heads/agent2").refusal()).contains("rule \"git:local-remote\"");
        assertThat(tmp.resolve("canary")).doesNotExist();
        assertThat(f.git("status").exit()).isZero(); // status never starts receive-pack
    }

    @Test
    void anOrdinaryGitCallStartsAtMostTwoHostProcessesBeforeTheTool() throws Exception {
        f = new DaemonFixture(tmp, "");
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path log = tmp.resolve("git.calls");
        Path realGit = Path.of(new String(new ProcessBuilder("sh", "-c", "command -v git").start().getInputStream().readAllBytes()).strip());
        Path wrapper = bin.resolve("git");
        Files.writeString(wrapper, "#!/bin/sh\necho \"$*\" >> " + log + "\nexec " + realGit + " \"$@\"\n");
        wrapper.toFile().setExecutable(true);
        var env = new java.util.HashMap<>(System.getenv());
        env.put("PATH", bin + ":" + System.getenv("PATH"));
        f.daemon = Daemon.start(new ConfigDirectory(f.config), env, new java.io.PrintStream(f.stderr, true));
        for (int i = 0; i < 20; i++) Files.writeString(f.repo.resolve("f" + i), "x");
        Git.run(f.repo, "add", ".");
        Git.run(f.repo, "commit", "-q", "-m", "files");
        Files.deleteIfExists(log);
        assertThat(f.git("status", "--short").exit()).isZero();
        List<String> calls = Files.readAllLines(log);
        assertThat(calls).as("host git processes for one git status").hasSizeLessThanOrEqualTo(3).last().asString().startsWith("status");
    }
}
