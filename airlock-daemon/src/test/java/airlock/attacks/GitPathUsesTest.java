package airlock.attacks;

import airlock.daemon.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Subcommands that were refused whole although only one use of them leaves the workspace
 * (issue 12, items 4 and 5): through the real daemon and real git, the workspace use works, the
 * host file is refused, and a refusal of ordinary work says why and what works instead.
 */
class GitPathUsesTest {
    @TempDir Path tmp;
    Proxy proxy;
    Path repo;
    Path secret;

    @BeforeEach
    void start() throws Exception {
        proxy = Proxy.start(tmp, List.of("git"), "", List.of());
        repo = Git.initRepo(proxy.work.resolve("repo"));
        Path outside = Files.createDirectories(proxy.root.resolve("host-secrets"));
        secret = outside.resolve("secret.txt");
        Files.writeString(secret, "host secret canary-5b1f\n");
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    Proxy.Result git(String... args) throws Exception {
        return proxy.run(repo, "git", args);
    }

    void assertRefusedWithoutLeak(Proxy.Result r) {
        assertThat(r.refused()).as("exit %d, stderr %s", r.exit(), r.err()).isTrue();
        assertThat(r.out() + r.err()).doesNotContain("canary-5b1f");
    }

    @Test
    void hashObjectOfStdinAndOfWorkspaceFilesWorks() throws Exception {
        Files.writeString(repo.resolve("a.txt"), "alpha\n");
        String expected = Git.run(repo, "hash-object", "a.txt").out().strip();
        var file = git("hash-object", "a.txt");
        assertThat(file.exit()).as(file.err()).isZero();
        assertThat(file.out().strip()).isEqualTo(expected);
        var stdin = proxy.run(repo, "git", List.of("hash-object", "--stdin"), Map.of(), "alpha\n".getBytes(StandardCharsets.UTF_8));
        assertThat(stdin.exit()).as(stdin.err()).isZero();
        assertThat(stdin.out().strip()).isEqualTo(expected);
        var written = git("hash-object", "-w", "a.txt");
        assertThat(written.exit()).as(written.err()).isZero();
        assertThat(git("cat-file", "-p", expected).out()).isEqualTo("alpha\n");
    }

    @Test
    void hashObjectOfAHostFileIsRefused() throws Exception {
        assertRefusedWithoutLeak(git("hash-object", "-w", secret.toString()));
        assertRefusedWithoutLeak(git("hash-object", "a", "../../host-secrets/secret.txt"));
        assertRefusedWithoutLeak(git("hash-object", "--", secret.toString()));
        // the content must not have been written as an object either
        String id = Git.run(proxy.root, "hash-object", secret.toString()).out().strip();
        assertThat(Git.run(repo, "cat-file", "-e", id).exit()).isNotZero();
    }

    @Test
    void hashObjectWithPathsOnStdinIsRefusedWithAHint() throws Exception {
        var r = proxy.run(repo, "git", List.of("hash-object", "-w", "--stdin-paths"), Map.of(),
                (secret + "\n").getBytes(StandardCharsets.UTF_8));
        assertRefusedWithoutLeak(r);
        assertThat(r.err()).contains("rule \"hash-object & --stdin-paths\"").contains("Instead: name the files on the command line");
        assertRefusedWithoutLeak(git("hash-object", "--stdin-p"));
    }

    @Test
    void diffNoIndexBetweenWorkspaceFilesWorksAndAHostFileIsRefused() throws Exception {
        Files.writeString(repo.resolve("a.txt"), "one\n");
        Files.writeString(repo.resolve("b.txt"), "two\n");
        var r = git("diff", "--no-index", "a.txt", "b.txt");
        assertThat(r.exit()).as(r.err()).isEqualTo(1); // git diff's "they differ"
        assertThat(r.out()).contains("-one", "+two");
        var same = git("diff", "--no-index", "--stat", "a.txt", "a.txt");
        assertThat(same.exit()).as(same.err()).isZero();
        assertRefusedWithoutLeak(git("diff", "--no-index", "a.txt", secret.toString()));
        assertRefusedWithoutLeak(git("diff", "--no-index", "--", secret.toString(), "a.txt"));
        assertRefusedWithoutLeak(git("diff", "--no-index", "a.txt", "../../host-secrets/secret.txt"));
    }

    @Test
    void mergeFileOnWorkspaceFilesWorksAndAHostFileIsRefused() throws Exception {
        Files.writeString(repo.resolve("base"), "a\nb\nc\n");
        Files.writeString(repo.resolve("ours"), "A\nb\nc\n");
        Files.writeString(repo.resolve("theirs"), "a\nb\nC\n");
        var r = git("merge-file", "-p", "ours", "base", "theirs");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("A\nb\nC\n");
        assertRefusedWithoutLeak(git("merge-file", "-p", secret.toString(), "base", "theirs"));
        assertThat(Files.readString(secret)).isEqualTo("host secret canary-5b1f\n");
    }

    @Test
    void fastExportWorksAndItsMarkFilesStayInTheWorkspace() throws Exception {
        var r = git("fast-export", "--all");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("commit refs/heads/main", "first");
        var marks = git("fast-export", "--export-marks=marks.txt", "--all");
        assertThat(marks.exit()).as(marks.err()).isZero();
        assertThat(repo.resolve("marks.txt")).isNotEmptyFile();
        Path hostMarks = secret.resolveSibling("marks");
        assertRefusedWithoutLeak(git("fast-export", "--export-marks=" + hostMarks, "--all"));
        assertRefusedWithoutLeak(git("fast-export", "--export-marks", "../../host-secrets/marks", "--all"));
        assertRefusedWithoutLeak(git("fast-export", "--import-marks=" + secret, "--all"));
        assertRefusedWithoutLeak(git("fast-export", "--import-marks-if=" + secret, "--all"));
        assertThat(hostMarks).doesNotExist();
    }

    @Test
    void globalConfigRefusalSaysWhyAndWhatWorksAndTheHintWorks() throws Exception {
        var r = git("config", "--global", "user.email", "agent@example.invalid");
        assertThat(r.refused()).as(r.err()).isTrue();
        String line = r.err().strip();
        assertThat(line).doesNotContain("\n")
                .startsWith("airlock: refused by the module layer (rule \"config & --global\"): git's global configuration is the host user's own")
                .contains("builtin:git")
                .contains(". Instead: set it for this repository: git config user.email")
                .doesNotContain(proxy.root.resolve("config").toString());

        Path fresh = Files.createDirectories(proxy.work.resolve("fresh"));
        assertThat(proxy.run(fresh, "git", "init", "-q", "-b", "main").exit()).isZero();
        // the hint's first way: the repository's own configuration
        assertThat(proxy.run(fresh, "git", "config", "user.email", "me@example.invalid").exit()).isZero();
        assertThat(proxy.run(fresh, "git", "config", "user.name", "Me").exit()).isZero();
        var c = proxy.run(fresh, "git", "commit", "-q", "--allow-empty", "-m", "first");
        assertThat(c.exit()).as(c.err()).isZero();
        assertThat(proxy.run(fresh, "git", "log", "-1", "--format=%an <%ae>").out().strip()).isEqualTo("Me <me@example.invalid>");
        // the second way: GIT_AUTHOR_* / GIT_COMMITTER_*, which the module passes
        var e = proxy.run(fresh, "git", List.of("commit", "-q", "--allow-empty", "-m", "second"),
                Map.of("GIT_AUTHOR_NAME", "Env", "GIT_AUTHOR_EMAIL", "env@example.invalid",
                        "GIT_COMMITTER_NAME", "Env", "GIT_COMMITTER_EMAIL", "env@example.invalid"), new byte[0]);
        assertThat(e.exit()).as(e.err()).isZero();
        assertThat(proxy.run(fresh, "git", "log", "-1", "--format=%an <%ae> / %cn <%ce>").out().strip())
                .isEqualTo("Env <env@example.invalid> / Env <env@example.invalid>");
    }
}
