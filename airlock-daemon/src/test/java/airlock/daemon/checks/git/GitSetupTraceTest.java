package airlock.daemon.checks.git;

import airlock.daemon.core.HostCommand;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The config listing's setup trace names the same repository as rev-parse does, in every shape a
 * workspace can give it; and anything that is not plainly git's five lines is not read at all, so
 * the check falls back to rev-parse rather than trusting text the workspace could have written.
 */
class GitSetupTraceTest {
    private static final Path GIT = Path.of("/usr/bin/git");
    @TempDir Path tmp;
    private Map<String, String> env;

    @BeforeEach
    void hostEnvironment() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        env = Map.of("PATH", "/usr/bin:/bin", "HOME", home.toString(), "GIT_CONFIG_NOSYSTEM", "1",
                "GIT_TRACE", "2", "GIT_TRACE_PERFORMANCE", "2"); // the agent's traces must not mix in
    }

    private void git(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("HOME", env.get("HOME"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new AssertionError(cmd + ": " + out);
    }

    private Path repo(String name) throws Exception {
        Path r = Files.createDirectories(tmp.resolve(name));
        git(r, "init", "-q", "-b", "main");
        git(r, "-c", "user.email=a@example.invalid", "-c", "user.name=A", "commit", "-q", "--allow-empty", "-m", "one");
        return r;
    }

    /** What the listing's trace says, next to what rev-parse says, from the same place. */
    private void agree(Path cwd, List<String> discovery) throws Exception {
        HostCommand.Output listing = GitConfigScan.listing(GIT, discovery, cwd, GitSetupTrace.tracing(env));
        Optional<GitWorkspace.RepoDirs> traced = GitSetupTrace.read(listing.stderr());
        List<String> args = new ArrayList<>(discovery);
        args.addAll(List.of("rev-parse", "--path-format=absolute", "--is-bare-repository", "--git-dir", "--git-common-dir",
                "--show-toplevel"));
        Optional<GitWorkspace.RepoDirs> revParse = GitWorkspace.RepoDirs.of(HostCommand.run(GIT, args, cwd, env));
        assertThat(traced).as("trace of %s: %s", cwd, listing.stderr()).isPresent();
        assertThat(revParse).isPresent();
        assertThat(traced.get().gitDir()).isEqualTo(revParse.get().gitDir().toRealPath());
        assertThat(traced.get().common()).isEqualTo(revParse.get().common().toRealPath());
        assertThat(traced.get().worktree().orElseThrow()).isEqualTo(revParse.get().worktree().orElseThrow().toRealPath());
    }

    @Test
    void theTopAndADeepFolderOfARepository() throws Exception {
        Path r = repo("plain");
        agree(r, List.of());
        agree(Files.createDirectories(r.resolve("a/b/c")), List.of());
    }

    @Test
    void aPathThroughASymlink() throws Exception {
        Path r = repo("real");
        Files.createSymbolicLink(tmp.resolve("link"), r);
        agree(Files.createDirectories(tmp.resolve("link/sub")), List.of());
    }

    /** rev-parse prints such a name unquoted (its reading is refused); git's trace quotes it. */
    @Test
    void aFolderNameWithALineBreakAndABackslash() throws Exception {
        Path r = repo("we\nsetup: git_dir: /\\name");
        Optional<GitWorkspace.RepoDirs> traced = traceAt(Files.createDirectories(r.resolve("sub")));
        assertThat(traced).isPresent();
        assertThat(traced.get().gitDir()).isEqualTo(r.resolve(".git").toRealPath());
        assertThat(traced.get().common()).isEqualTo(r.resolve(".git").toRealPath());
        assertThat(traced.get().worktree()).contains(r.toRealPath());
        HostCommand.Output revParse = HostCommand.run(GIT, List.of("rev-parse", "--path-format=absolute", "--is-bare-repository",
                "--git-dir", "--git-common-dir", "--show-toplevel"), r, env);
        assertThat(GitWorkspace.RepoDirs.of(revParse)).isEmpty();
    }

    @Test
    void aSeparateGitDirAWorktreeAndASymlinkedDotGit() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        git(work, "init", "-q", "--separate-git-dir", tmp.resolve("elsewhere.git").toString());
        agree(work, List.of());
        Path r = repo("main");
        git(r, "worktree", "add", "-q", tmp.resolve("wt").toString());
        agree(tmp.resolve("wt"), List.of());
        Path linked = Files.createDirectories(tmp.resolve("linked"));
        Files.createSymbolicLink(linked.resolve(".git"), r.resolve(".git"));
        agree(linked, List.of("--work-tree", linked.toString()));
    }

    @Test
    void discoveryOptionsAndASubmodule() throws Exception {
        Path r = repo("super");
        Path sub = repo("subsource");
        git(r, "-c", "protocol.file.allow=always", "submodule", "add", "-q", sub.toString(), "mod");
        agree(r.resolve("mod"), List.of());
        agree(tmp, List.of("-C", r.toString()));
        agree(tmp, List.of("--git-dir", r.resolve(".git").toString(), "--work-tree", r.toString()));
    }

    @Test
    void noRepositoryABareOneAndTheInsideOfAGitDirAreLeftToRevParse() throws Exception {
        Path none = Files.createDirectories(tmp.resolve("none"));
        assertThat(traceAt(none)).isEmpty();
        Path bare = Files.createDirectories(tmp.resolve("b.git"));
        git(bare, "init", "-q", "--bare");
        assertThat(traceAt(bare)).isEmpty();
        assertThat(traceAt(repo("r").resolve(".git"))).isEmpty();
    }

    private Optional<GitWorkspace.RepoDirs> traceAt(Path cwd) throws Exception {
        return GitSetupTrace.read(GitConfigScan.listing(GIT, List.of(), cwd, GitSetupTrace.tracing(env)).stderr());
    }

    @Test
    void anythingButGitsFiveLinesIsNotRead() throws Exception {
        Path r = repo("strict");
        String good = "setup: git_dir: .git\nsetup: git_common_dir: .git\nsetup: worktree: " + r
                + "\nsetup: cwd: " + r + "\nsetup: prefix: (null)\n";
        assertThat(GitSetupTrace.read(good)).isPresent();
        Path other = repo("other");
        // a warning that quotes a workspace value can carry a setup line of its own
        assertThat(GitSetupTrace.read("warning: x\n" + good)).isEmpty();
        assertThat(GitSetupTrace.read(good.replace(r.toString(), other.toString()) + good)).isEmpty();
        assertThat(GitSetupTrace.read(good + "setup: git_dir: /\n")).isEmpty();
        assertThat(GitSetupTrace.read(good.substring(0, good.lastIndexOf("setup: prefix")))).isEmpty();
        assertThat(GitSetupTrace.read(good.replace("setup: git_common_dir: .git\n", "")
                .replace("setup: cwd", "setup: git_common_dir: .git\nsetup: cwd"))).isEmpty();
        assertThat(GitSetupTrace.read(good.replace("worktree: " + r, "worktree: (null)"))).isEmpty();
        assertThat(GitSetupTrace.read(good.replace("worktree: " + r, "worktree: relative"))).isEmpty();
        assertThat(GitSetupTrace.read(good.replace("git_dir: .git", "git_dir: .g\\qit"))).isEmpty();
        assertThat(GitSetupTrace.read(good.replace("git_dir: .git", "git_dir: .git\r"))).isEmpty();
        assertThat(GitSetupTrace.read(good.replace("git_dir: .git", "git_dir: missing"))).isEmpty();
        assertThat(GitSetupTrace.read(good.replace("\n", "\r\n"))).isEmpty();
        assertThat(GitSetupTrace.unquote("a\\\\b\\nc")).contains("a\\b\nc");
    }
}
