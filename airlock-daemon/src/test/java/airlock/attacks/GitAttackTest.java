package airlock.attacks;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Attacks on the git module through the real daemon and the real git binary. Every attack that
 * would run a command writes a canary file if it runs; each test asserts the refusal (naming the
 * key or rule) and that the canary does not exist. See builtin-commands/git/SECURITY.md.
 */
class GitAttackTest {
    @TempDir Path tmp;
    Proxy proxy;
    Path repo;
    Path outside;
    String touch;

    @BeforeEach
    void start() throws Exception {
        proxy = Proxy.start(tmp, List.of("git"), "", List.of());
        repo = Git.initRepo(proxy.work.resolve("repo"));
        outside = Files.createDirectories(proxy.root.resolve("host-secrets"));
        Files.writeString(outside.resolve("secret.txt"), "host secret\n");
        touch = "touch " + proxy.canary;
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    Proxy.Result git(String... args) throws Exception {
        return proxy.run(repo, "git", args);
    }

    void config(String key, String value) throws Exception {
        var r = Git.run(repo, "config", key, value);
        assertThat(r.exit()).as(r.err()).isZero();
    }

    void assertRefusedNaming(Proxy.Result r, String needle) {
        assertThat(r.refused()).as("exit %d, stderr %s", r.exit(), r.err()).isTrue();
        assertThat(r.err()).contains(needle);
        assertThat(proxy.canary).doesNotExist();
    }

    // ---- class 2: workspace configuration that runs code on the host, one key at a time ----

    static Stream<Arguments> dangerousKeys() {
        String t = "TOUCH";
        return Stream.of(
                arguments("core.fsmonitor", t, List.of("status")),
                arguments("core.sshCommand", t, List.of("fetch", "ssh://example.invalid/x")),
                arguments("core.pager", t, List.of("-p", "log")),
                arguments("core.editor", t, List.of("commit", "--amend")),
                arguments("sequence.editor", t, List.of("rebase", "-i", "HEAD")),
                arguments("core.askPass", t, List.of("fetch", "https://example.invalid/x")),
                arguments("core.gitProxy", t, List.of("fetch", "git://example.invalid/x")),
                arguments("core.hooksPath", "HOOKS", List.of("commit", "--allow-empty", "-m", "x")),
                arguments("core.alternateRefsCommand", t, List.of("status")),
                arguments("core.worktree", "OUTSIDE", List.of("status")),
                arguments("core.excludesFile", "SECRET", List.of("status")),
                arguments("alias.st", "!" + t, List.of("st")),
                arguments("help.format", "web", List.of("help", "log")),
                arguments("help.browser", t, List.of("help", "log")),
                arguments("alias.lg", "log", List.of("lg")),
                arguments("diff.external", t, List.of("diff")),
                arguments("diff.evil.textconv", t, List.of("diff")),
                arguments("diff.evil.command", t, List.of("diff")),
                arguments("difftool.evil.cmd", t, List.of("status")),
                arguments("mergetool.evil.cmd", t, List.of("status")),
                arguments("filter.evil.clean", t, List.of("add", "README")),
                arguments("filter.evil.smudge", t, List.of("checkout", "--", "README")),
                arguments("filter.evil.process", t, List.of("status")),
                arguments("merge.evil.driver", t, List.of("status")),
                arguments("remote.origin.uploadpack", t, List.of("fetch", "origin")),
                arguments("remote.origin.receivepack", t, List.of("push", "origin")),
                arguments("protocol.ext.allow", "always", List.of("fetch", "origin")),
                arguments("protocol.allow", "always", List.of("fetch", "origin")),
                arguments("gpg.program", t, List.of("commit", "-S", "--allow-empty", "-m", "x")),
                arguments("gpg.ssh.program", t, List.of("commit", "-S", "--allow-empty", "-m", "x")),
                arguments("gpg.ssh.defaultKeyCommand", t, List.of("commit", "-S", "--allow-empty", "-m", "x")),
                arguments("credential.helper", "!" + t, List.of("fetch", "https://example.invalid/x")),
                arguments("credential.https://example.invalid.helper", "!" + t, List.of("fetch", "https://example.invalid/x")),
                arguments("pager.log", t, List.of("-p", "log")),
                arguments("include.path", "INCLUDE", List.of("status")),
                arguments("includeIf.gitdir:/.path", "INCLUDE", List.of("status")),
                arguments("submodule.evil.update", "!" + t, List.of("submodule", "update")),
                arguments("commit.template", "SECRET", List.of("commit", "--allow-empty")),
                arguments("init.templateDir", "OUTSIDE", List.of("init")),
                arguments("interactive.diffFilter", t, List.of("status")),
                arguments("http.cookieFile", "SECRET", List.of("fetch", "https://example.invalid/x")),
                arguments("sendemail.smtpServer", t, List.of("status")),
                arguments("imap.tunnel", t, List.of("status")),
                arguments("browser.evil.cmd", t, List.of("status")),
                arguments("man.evil.cmd", t, List.of("status")),
                arguments("uploadpack.packObjectsHook", t, List.of("status")),
                arguments("url.ext::sh -c touch% /tmp/x.insteadOf", "https://example.invalid/", List.of("fetch", "https://example.invalid/x")),
                arguments("remote.origin.url", "OUTSIDE", List.of("fetch", "origin")),
                arguments("remote.origin.url", "ext::" + t, List.of("fetch", "origin")),
                // a branch's remote may be a path or URL itself: 'git pull' fetched a host repository
                arguments("branch.main.remote", "OUTSIDE", List.of("pull")),
                arguments("branch.main.pushRemote", "OUTSIDE", List.of("push")),
                arguments("remote.pushDefault", "OUTSIDE", List.of("push")),
                // format-patch wrote its patches into a host folder; a signature file is read from the host
                arguments("format.outputDirectory", "OUTSIDE", List.of("format-patch", "-1")),
                arguments("format.signatureFile", "SECRET", List.of("format-patch", "-1", "--stdout")),
                // programs git-lfs, and newer git, run
                arguments("lfs.customtransfer.evil.path", t, List.of("status")),
                arguments("lfs.standalonetransferagent", "evil", List.of("status")),
                arguments("lfs.extension.evil.clean", t, List.of("status")),
                arguments("gc.recentObjectsHook", t, List.of("gc")),
                arguments("fetch.bundleURI", "SECRET", List.of("fetch", "origin")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dangerousKeys")
    void aDangerousWorkspaceKeyIsRefusedByNameAndRunsNothing(String key, String value, List<String> command) throws Exception {
        String v = switch (value) {
            case "TOUCH" -> touch;
            case "HOOKS" -> hooksFolder().toString();
            case "OUTSIDE" -> outside.toString();
            case "SECRET" -> outside.resolve("secret.txt").toString();
            case "INCLUDE" -> includeFile().toString();
            default -> value.replace("TOUCH", touch);
        };
        Files.writeString(repo.resolve(".gitattributes"), "* diff=evil merge=evil filter=evil\n");
        Files.writeString(repo.resolve("README"), "changed\n");
        config(key, v);
        var r = proxy.run(repo, "git", command, Map.of(), new byte[0]);
        assertRefusedNaming(r, "workspace config key");
        assertThat(r.err().toLowerCase()).contains(key.toLowerCase());
        assertThat(r.err()).contains(".git/config");
    }

    Path hooksFolder() throws Exception {
        Path hooks = Files.createDirectories(repo.resolve("evil-hooks"));
        Path pre = hooks.resolve("pre-commit");
        Files.writeString(pre, "#!/bin/sh\n" + touch + "\n");
        pre.toFile().setExecutable(true);
        return hooks;
    }

    Path includeFile() throws Exception {
        Path inc = repo.resolve(".git/evil.inc");
        Files.writeString(inc, "[core]\n\tfsmonitor = " + touch + "\n");
        return inc;
    }

    @Test
    void theKeyIsFoundInAFileIncludedByAnInclude() throws Exception {
        Path inc = repo.resolve("included.cfg");
        Files.writeString(inc, "[core]\n\tpager = " + touch + "\n");
        Files.writeString(repo.resolve(".git/config"), Files.readString(repo.resolve(".git/config")) + "[include]\n\tpath = ../included.cfg\n");
        var r = git("log");
        assertRefusedNaming(r, "include.path");
    }

    @Test
    void worktreeConfigIsTheWorkspaceToo() throws Exception {
        Git.run(repo, "config", "extensions.worktreeConfig", "true");
        Files.writeString(repo.resolve(".git/config.worktree"), "[core]\n\tfsmonitor = " + touch + "\n");
        assertRefusedNaming(git("status"), "core.fsmonitor");
    }

    @Test
    void hooksInTheRepositoryNeverRun() throws Exception {
        for (String hook : List.of("pre-commit", "commit-msg", "post-commit", "prepare-commit-msg", "post-checkout", "reference-transaction", "pre-auto-gc")) {
            Path h = repo.resolve(".git/hooks/" + hook);
            Files.writeString(h, "#!/bin/sh\n" + touch + "\n");
            h.toFile().setExecutable(true);
        }
        var r = git("commit", "--allow-empty", "-m", "ordinary commit");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(git("checkout", "-b", "other").exit()).isZero();
        assertThat(proxy.canary).doesNotExist();
    }

    @Test
    void forcedConfigBeatsTheRepositoryEvenWithoutTheScan() throws Exception {
        // Layer (b) on its own: run the real git with the module's environment, no airlock scan.
        var module = airlock.daemon.ConfigDirectory.loadModule("git", "builtin:git",
                new String(GitAttackTest.class.getResourceAsStream("/builtin-commands/git/module.toml").readAllBytes()));
        config("core.fsmonitor", touch);
        config("core.pager", touch);
        config("core.editor", touch);
        config("protocol.ext.allow", "always");
        Path hooks = hooksFolder();
        config("core.hooksPath", hooks.toString());
        Map<String, String> env = new java.util.HashMap<>(module.env().set());
        env.put("PATH", "/usr/bin:/bin");
        env.put("HOME", proxy.root.toString());
        assertThat(direct(env, "var", "GIT_PAGER")).isEqualTo("cat\n");
        assertThat(direct(env, "var", "GIT_EDITOR")).isEqualTo("false\n");
        direct(env, "status");
        direct(env, "commit", "--allow-empty", "-m", "x");
        String fetch = direct(env, "fetch", "ext::sh -c " + touch.replace(" ", "% "));
        assertThat(proxy.canary).doesNotExist();
    }

    String direct(Map<String, String> env, String... args) throws Exception {
        var cmd = new java.util.ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    @Test
    void hooksOfALocalRemoteInTheWorkspaceAreRefusedBeforePush() throws Exception {
        // git clears GIT_CONFIG_* for the receive-pack it starts in a local repository, so the
        // forced hooksPath does not reach it: the remote's hooks are judged before git runs.
        Path remote = proxy.work.resolve("remote.git");
        assertThat(Git.run(proxy.work, "init", "-q", "--bare", remote.toString()).exit()).isZero();
        Path hook = remote.resolve("hooks/post-receive");
        Files.writeString(hook, "#!/bin/sh\n" + touch + "\n");
        hook.toFile().setExecutable(true);
        assertRefusedNaming(git("push", "../remote.git", "HEAD:main"), "post-receive");
        Git.run(repo, "remote", "add", "origin", remote.toString());
        assertRefusedNaming(git("push", "origin", "HEAD:main"), "post-receive");
        // issue 12.3: status never starts receive-pack in the remote, so its hooks cannot block it
        var status = git("status");
        assertThat(status.refused()).as(status.err()).isFalse();
        assertThat(proxy.canary).doesNotExist();
    }

    @Test
    void configOfALocalRemoteIsJudgedToo() throws Exception {
        Path remote = proxy.work.resolve("remote.git");
        Git.run(proxy.work, "init", "-q", "--bare", remote.toString());
        Git.run(remote, "config", "core.hooksPath", hooksFolder().toString());
        assertRefusedNaming(git("push", remote.toString(), "HEAD:main"), "core.hookspath");
    }

    @Test
    void aSubmodulesOwnConfigIsJudged() throws Exception {
        Path sub = Git.initRepo(proxy.work.resolve("sub"));
        var add = Git.run(repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", sub.toString(), "sub");
        assertThat(add.exit()).as(add.err()).isZero();
        Git.run(repo, "commit", "-qm", "submodule");
        var clean = git("status");
        assertThat(clean.exit()).as(clean.err()).isZero();
        Git.run(repo.resolve("sub"), "config", "diff.external", touch);
        Files.writeString(repo.resolve("sub/README"), "changed\n");
        assertRefusedNaming(git("diff", "--submodule=diff"), "diff.external");
        assertThat(git("status").refused()).isTrue();
    }

    @Test
    void gitmodulesCannotPointAtTheHostOrAHelper() throws Exception {
        for (String url : List.of("ssh://me@localhost/home/me/secret.git", "me@127.0.0.1:secret.git",
                "ext::sh -c " + touch.replace(" ", "% "), outside.toString())) {
            Files.writeString(repo.resolve(".gitmodules"), "[submodule \"s\"]\n\tpath = s\n\turl = " + url + "\n");
            var r = git("submodule", "update", "--init");
            assertThat(r.refused()).as(url + ": " + r.err()).isTrue();
            assertThat(r.err()).contains(".gitmodules submodule.s.url");
            assertThat(git("pull", "--recurse-submodules").refused()).isTrue();
        }
        assertThat(proxy.canary).doesNotExist();
        Files.writeString(repo.resolve(".gitmodules"), "[submodule \"s\"]\n\tpath = s\n\turl = https://example.invalid/s.git\n");
        assertThat(git("submodule", "status").refused()).isFalse();
    }

    // ---- class 2: subcommands and options that run a command by design ----

    static Stream<List<String>> commandRunners() {
        return Stream.of(
                List.of("rebase", "--exec", "TOUCH", "HEAD"),
                List.of("rebase", "--exec=TOUCH", "HEAD"),
                List.of("rebase", "--exe=TOUCH", "HEAD"),
                List.of("rebase", "-x", "TOUCH", "HEAD"),
                List.of("rebase", "-xTOUCH", "HEAD"),
                List.of("rebase", "-ix", "TOUCH", "HEAD"),
                List.of("bisect", "run", "TOUCH"),
                List.of("submodule", "foreach", "TOUCH"),
                List.of("submodule", "--quiet", "foreach", "TOUCH"),
                List.of("difftool", "--extcmd=TOUCH", "HEAD"),
                List.of("difftool", "-x", "TOUCH"),
                List.of("mergetool", "--tool=vimdiff"),
                List.of("grep", "-O", "hello"),
                List.of("grep", "-OTOUCH", "hello"),
                List.of("grep", "--open-files-in-pager=TOUCH", "hello"),
                List.of("grep", "--open-files-in-p", "hello"),
                List.of("filter-branch", "--tree-filter", "TOUCH"),
                List.of("-c", "core.pager=TOUCH", "log"),
                List.of("-c", "alias.x=!TOUCH", "x"),
                List.of("--config-env=core.pager=HOME", "log"),
                List.of("--exec-path=/tmp", "status"),
                List.of("fetch", "--upload-pack=TOUCH", "origin"),
                List.of("fetch", "--upload-pa=TOUCH", "origin"),
                List.of("clone", "-u", "TOUCH", "x", "y"),
                List.of("clone", "--upload-pack", "TOUCH", "x", "y"),
                List.of("push", "--receive-pack=TOUCH", "origin"),
                List.of("push", "--exec=TOUCH", "origin"),
                List.of("ls-remote", "--upload-pack=TOUCH", "x"),
                List.of("archive", "--remote=x", "--exec=TOUCH", "HEAD"),
                // the plumbing under fetch and push: --exec is their --upload-pack/--receive-pack
                List.of("fetch-pack", "--exec=TOUCH", "."),
                List.of("send-pack", "--exec=TOUCH", ".", "main"),
                List.of("fetch-pack", "--upload-pack=TOUCH", "."),
                List.of("send-pack", "--receive-pack=TOUCH", ".", "main"),
                List.of("fetch-pack", "--exe=TOUCH", "."),
                List.of("merge-index", "TOUCH", "-a"),
                List.of("submodule--helper", "foreach", "TOUCH"),
                List.of("for-each-repo", "--config", "user.repo", "status"),
                List.of("help", "-w", "log"),
                List.of("help", "--info", "log"),
                List.of("fetch", "ext::sh -c TOUCH"),
                List.of("clone", "ext::sh -c TOUCH", "y"),
                List.of("daemon", "--export-all"),
                List.of("send-email", "x"),
                List.of("instaweb"),
                List.of("maintenance", "start"),
                List.of("hook", "run", "pre-commit"));
    }

    @ParameterizedTest
    @MethodSource("commandRunners")
    void aCommandRunningOptionIsRefused(List<String> args) throws Exception {
        var r = proxy.run(repo, "git", args.stream().map(a -> a.replace("TOUCH", touch)).toList(), Map.of(), new byte[0]);
        assertThat(r.refused()).as("exit %d %s", r.exit(), r.err()).isTrue();
        assertThat(proxy.canary).doesNotExist();
    }

    @Test
    void optionsAfterTheSubcommandKeepTheirOwnMeaning() throws Exception {
        // -c after the subcommand is switch -c / grep -c, not a config key: ordinary use.
        assertThat(git("switch", "-c", "feature").exit()).isZero();
        assertThat(git("grep", "-c", "hello").exit()).isZero();
        assertThat(git("log", "-p", "-1").exit()).isZero();
    }

    // ---- class 3: environment injection ----

    @Test
    void theCallersEnvironmentNeverReachesGit() throws Exception {
        Map<String, String> env = Map.ofEntries(
                Map.entry("GIT_SSH_COMMAND", touch), Map.entry("GIT_SSH", "/tmp/x"), Map.entry("GIT_EXEC_PATH", outside.toString()),
                Map.entry("GIT_CONFIG_COUNT", "1"), Map.entry("GIT_CONFIG_KEY_0", "core.fsmonitor"), Map.entry("GIT_CONFIG_VALUE_0", touch),
                Map.entry("GIT_CONFIG_PARAMETERS", "'core.fsmonitor'='" + touch + "'"), Map.entry("GIT_CONFIG_GLOBAL", "/tmp/evil"),
                Map.entry("LD_PRELOAD", "/tmp/evil.so"), Map.entry("PATH", outside.toString()), Map.entry("HOME", outside.toString()),
                Map.entry("XDG_CONFIG_HOME", outside.toString()), Map.entry("PAGER", touch), Map.entry("GIT_PAGER", touch),
                Map.entry("EDITOR", touch), Map.entry("GIT_EDITOR", touch), Map.entry("GIT_ASKPASS", touch), Map.entry("SSH_ASKPASS", touch),
                Map.entry("SSH_AUTH_SOCK", "/tmp/agent"), Map.entry("BASH_ENV", "/tmp/x"), Map.entry("GIT_DIR", outside.toString()),
                Map.entry("GIT_EXTERNAL_DIFF", touch), Map.entry("GIT_TRACE", outside.resolve("trace").toString()));
        Files.writeString(repo.resolve("README"), "changed\n");
        for (List<String> cmd : List.of(List.of("status"), List.of("diff"), List.of("-p", "log", "-1"), List.of("var", "GIT_PAGER"))) {
            var r = proxy.run(repo, "git", cmd, env, new byte[0]);
            assertThat(r.exit()).as(r.err()).isZero();
        }
        assertThat(proxy.run(repo, "git", List.of("var", "GIT_PAGER"), env, new byte[0]).out()).isEqualTo("cat\n");
        assertThat(proxy.canary).doesNotExist();
        assertThat(outside.resolve("trace")).doesNotExist();
    }

    // ---- class 4: leaving the workspace ----

    @Test
    void leavingTheWorkspaceIsRefused() throws Exception {
        Path hostRepo = Git.initRepo(proxy.root.resolve("host-repo"));
        for (List<String> args : List.of(
                List.of("-C", outside.toString(), "status"),
                List.of("-C", "../..", "status"),
                List.of("--git-dir=" + hostRepo.resolve(".git"), "log"),
                List.of("--git-dir", hostRepo.resolve(".git").toString(), "log"),
                List.of("--work-tree=" + outside, "status"),
                List.of("diff", "--no-index", "/dev/null", outside.resolve("secret.txt").toString()),
                List.of("diff", "/dev/null", outside.resolve("secret.txt").toString()),
                List.of("log", "--output=" + outside.resolve("out")),
                List.of("log", "--output", outside.resolve("out").toString()),
                List.of("format-patch", "-o", outside.toString(), "HEAD~0"),
                List.of("format-patch", "--output-directory=" + outside, "-1"),
                List.of("apply", "--unsafe-paths", "x.patch"),
                List.of("commit", "-F", outside.resolve("secret.txt").toString()),
                List.of("clone", hostRepo.toString(), "copy"),
                List.of("clone", "file://" + hostRepo, "copy"),
                List.of("fetch", hostRepo.toString()),
                List.of("fetch", "../../host-repo"),
                List.of("hash-object", "-w", outside.resolve("secret.txt").toString()))) {
            var r = proxy.run(repo, "git", args, Map.of(), new byte[0]);
            assertThat(r.refused()).as("%s -> exit %d %s", args, r.exit(), r.err()).isTrue();
            assertThat(r.out()).doesNotContain("host secret");
        }
        assertThat(outside.resolve("out")).doesNotExist();
        assertThat(repo.resolve("copy")).doesNotExist();
    }

    @Test
    void aRepositoryFoundAboveTheMountIsRefused() throws Exception {
        // The mount is a plain folder inside a host repository (a dotfiles repo in $HOME, say):
        // git would walk up out of the mount and work on the host's repository.
        proxy.close();
        Path home = Git.initRepo(tmp.resolve("home"));
        Path mounted = Files.createDirectories(home.resolve("agent-work"));
        proxy = startWithWork(mounted);
        var r = proxy.run(mounted, "git", "status");
        assertThat(r.refused()).as(r.err()).isTrue();
        assertThat(r.err()).contains("outside the profile's [mounts]");
    }

    Proxy startWithWork(Path work) throws Exception {
        Path config = Files.createDirectories(tmp.resolve("config2/profiles")).getParent();
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"git\"]\n");
        Files.writeString(config.resolve("profiles/default.toml"), "commands = []\n[mounts]\n\"" + work.toRealPath() + "\" = \"" + work.toRealPath() + "\"\n");
        var d = airlock.daemon.Daemon.start(new airlock.daemon.ConfigDirectory(config), System.getenv(),
                new java.io.PrintStream(new java.io.ByteArrayOutputStream()));
        return Proxy.wrap(tmp, work, d);
    }

    @Test
    void aGitFilePointingOutsideIsRefused() throws Exception {
        Path hostRepo = Git.initRepo(proxy.root.resolve("host-repo"));
        Path linked = Files.createDirectories(proxy.work.resolve("linked"));
        Files.writeString(linked.resolve(".git"), "gitdir: " + hostRepo.resolve(".git") + "\n");
        var r = proxy.run(linked, "git", "log");
        assertThat(r.refused()).as(r.err()).isTrue();
        assertThat(r.out()).doesNotContain("first");
    }

    /** A submodule's .git file pointing at a host repository: status and diff of the superproject would read it. */
    @Test
    void aSubmoduleWhoseGitFileLeadsToAHostRepositoryIsRefused() throws Exception {
        Path hostRepo = Git.initRepo(proxy.root.resolve("private-repo"));
        Path sub = Git.initRepo(proxy.work.resolve("sub-source"));
        var add = Git.run(repo, "-c", "protocol.file.allow=always", "submodule", "add", sub.toString(), "lib");
        assertThat(add.exit()).as(add.err()).isZero();
        Git.run(repo, "commit", "-q", "-m", "add lib");
        assertThat(git("status").exit()).as("a submodule inside the workspace is ordinary").isZero();

        Files.writeString(repo.resolve("lib/.git"), "gitdir: " + hostRepo.resolve(".git") + "\n");
        for (List<String> args : List.of(List.of("status"), List.of("diff", "--submodule=diff"), List.of("submodule", "status"))) {
            var r = proxy.run(repo, "git", args, Map.of(), new byte[0]);
            assertThat(r.refused()).as("%s: %s", args, r.err()).isTrue();
            assertThat(r.err()).contains("submodule lib: its .git leads to " + hostRepo.resolve(".git"));
        }
    }

    /** objects/info/alternates borrows a host repository's objects; --batch-all-objects would print them all. */
    @Test
    void alternatesNamingAHostObjectStoreAreRefused() throws Exception {
        Path hostRepo = Git.initRepo(proxy.root.resolve("private-repo"));
        Files.writeString(hostRepo.resolve("README"), "private roadmap\n");
        Git.run(hostRepo, "commit", "-q", "-am", "private");
        Path alternates = repo.resolve(".git/objects/info/alternates");
        Files.createDirectories(alternates.getParent());
        for (String entry : List.of(hostRepo.resolve(".git/objects").toString(), "../../../../private-repo/.git/objects")) {
            Files.writeString(alternates, entry + "\n");
            var r = git("cat-file", "--batch-all-objects", "--batch");
            assertThat(r.refused()).as("%s: %s", entry, r.err()).isTrue();
            assertThat(r.err()).contains("borrows objects from " + entry, "outside the profile's [mounts]");
            assertThat(r.out()).doesNotContain("private roadmap");
        }
        // one level removed: an alternate inside the workspace whose own alternates lead out
        Path middle = Git.initRepo(proxy.work.resolve("middle"));
        Files.createDirectories(middle.resolve(".git/objects/info"));
        Files.writeString(middle.resolve(".git/objects/info/alternates"), hostRepo.resolve(".git/objects") + "\n");
        Files.writeString(alternates, middle.resolve(".git/objects") + "\n");
        var r = git("cat-file", "--batch-all-objects", "--batch");
        assertThat(r.refused()).as(r.err()).isTrue();
        assertThat(r.out()).doesNotContain("private roadmap");
    }

    @Test
    void alternatesInsideTheWorkspaceKeepWorking() throws Exception {
        Path other = Git.initRepo(proxy.work.resolve("other"));
        Files.createDirectories(repo.resolve(".git/objects/info"));
        Files.writeString(repo.resolve(".git/objects/info/alternates"), other.resolve(".git/objects") + "\n");
        var r = git("status");
        assertThat(r.exit()).as(r.err()).isZero();
    }

    /** A symlink inside .git (objects, refs, config) is a host folder or file git reads as the repository's. */
    @Test
    void aSymlinkInsideTheGitDirectoryToAHostFolderIsRefused() throws Exception {
        Path hostRepo = Git.initRepo(proxy.root.resolve("private-repo"));
        Path refs = repo.resolve(".git/refs/remotes");
        Files.createDirectories(refs);
        Files.createSymbolicLink(refs.resolve("host"), hostRepo.resolve(".git/refs/heads"));
        var r = git("log", "--all", "--oneline");
        assertThat(r.refused()).as(r.err()).isTrue();
        assertThat(r.err()).contains("refs/remotes/host is a symlink to " + hostRepo.resolve(".git/refs/heads"));
    }

    @Test
    void aSymlinkToAHostFolderIsNotAWayOut() throws Exception {
        Files.createSymbolicLink(repo.resolve("escape"), outside);
        var r = proxy.run(repo.resolve("escape"), "git", "status");
        assertThat(r.refused()).as(r.err()).isTrue();
        var r2 = git("-C", "escape", "status");
        assertThat(r2.refused()).as(r2.err()).isTrue();
        var r3 = git("diff", "/dev/null", "escape/secret.txt");
        assertThat(r3.refused()).as(r3.err()).isTrue();
    }

    // ---- class 5: credentials printed by the tool; writing host-trusted config ----

    @Test
    void credentialSubcommandsAndHostConfigWritesAreRefused() throws Exception {
        for (List<String> args : List.of(List.of("credential", "fill"), List.of("credential-store", "get"),
                List.of("credential-cache", "get"), List.of("config", "--global", "core.pager", touch),
                List.of("config", "--glob", "core.pager", touch), List.of("config", "--system", "alias.x", "!x"),
                List.of("config", "-f", System.getProperty("user.home") + "/.gitconfig", "core.pager", touch),
                List.of("config", "--file=/etc/gitconfig", "core.pager", touch))) {
            var r = proxy.run(repo, "git", args, Map.of(), new byte[0]);
            assertThat(r.refused()).as("%s -> %s", args, r.err()).isTrue();
        }
    }

    // ---- ordinary use keeps working ----

    @Test
    void ordinaryWorkAgainstALocalRemoteInTheWorkspace() throws Exception {
        Path remote = proxy.work.resolve("remote.git");
        assertThat(proxy.run(proxy.work, "git", "init", "--bare", "-q", "-b", "main", remote.toString()).exit()).isZero();
        assertThat(git("remote", "add", "origin", remote.toString()).exit()).isZero();
        assertThat(git("push", "-u", "origin", "main").exit()).isZero();
        Files.writeString(repo.resolve("new.txt"), "new\n");
        assertThat(git("add", "new.txt").exit()).isZero();
        assertThat(git("commit", "-m", "second", "--author", "A <a@example.invalid>").exit()).isZero();
        assertThat(git("status", "--short").exit()).isZero();
        assertThat(git("diff", "HEAD~1", "--stat").out()).contains("new.txt");
        assertThat(git("log", "--oneline").out()).contains("second");
        assertThat(git("push").exit()).isZero();
        var clone = proxy.run(proxy.work, "git", "clone", "-q", remote.toString(), "clone");
        assertThat(clone.exit()).as(clone.err()).isZero();
        Path other = proxy.work.resolve("clone");
        Git.run(other, "config", "user.email", "b@example.invalid");
        Git.run(other, "config", "user.name", "B");
        assertThat(proxy.run(other, "git", "pull", "-q").exit()).isZero();
        assertThat(proxy.run(other, "git", "fetch", "origin").exit()).isZero();
        assertThat(proxy.run(other, "git", "fetch", "../remote.git").exit()).isZero();
        assertThat(proxy.run(other, "git", "log", "--format=%s").out()).contains("second");
        assertThat(proxy.canary).doesNotExist();
    }

    @Test
    void ordinaryUseThroughTheShimProcess() throws Exception {
        Files.writeString(repo.resolve("new.txt"), "x\n");
        var r = proxy.shim(repo, "git", List.of("status", "--short"), new byte[0]);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("?? new.txt");
        var c = proxy.shim(repo, "git", List.of("commit", "-am", "edit", "--allow-empty"), new byte[0]);
        assertThat(c.exit()).as(c.err()).isZero();
    }
}
