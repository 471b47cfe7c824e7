package airlock.daemon.checks.git;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The index pre-read agrees with git about gitlinks, in every index format git writes. */
class GitIndexTest {
    @TempDir Path tmp;

    private static void git(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new AssertionError(cmd + ": " + out);
    }

    private Path repo(int version, boolean extended) throws Exception {
        Path r = Files.createDirectories(tmp.resolve("r" + version + extended));
        git(r, "init", "-q");
        for (int i = 0; i < 30; i++) {
            Path f = r.resolve("dir" + (i % 4) + "/file-with-a-longer-name-" + i + ".txt");
            Files.createDirectories(f.getParent());
            Files.writeString(f, "x" + i);
        }
        git(r, "add", ".");
        if (extended) git(r, "update-index", "--skip-worktree", "dir1/file-with-a-longer-name-1.txt");
        git(r, "update-index", "--index-version", String.valueOf(version));
        return r;
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void anIndexWithoutGitlinksIsReadWholeAndSaysNo(int version) throws Exception {
        Path r = repo(version, version == 3);
        assertThat(GitIndex.mayHoldGitlinks(r.resolve(".git"), 20)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void aGitlinkAnywhereIsFound(int version) throws Exception {
        Path r = repo(version, version == 3);
        git(r, "update-index", "--add", "--cacheinfo", "160000,1111111111111111111111111111111111111111,zz-last/sub");
        assertThat(GitIndex.mayHoldGitlinks(r.resolve(".git"), 20)).isTrue();
        Path s = repo(version, version == 3);
        git(s, "update-index", "--add", "--cacheinfo", "160000,1111111111111111111111111111111111111111,aaa-first");
        assertThat(GitIndex.mayHoldGitlinks(s.resolve(".git"), 20)).isTrue();
    }

    @Test
    void anythingUnexpectedMeansAskGit() throws Exception {
        Path r = repo(2, false);
        Path index = r.resolve(".git/index");
        byte[] whole = Files.readAllBytes(index);
        Files.write(index, java.util.Arrays.copyOf(whole, whole.length / 2)); // truncated
        assertThat(GitIndex.mayHoldGitlinks(r.resolve(".git"), 20)).isTrue();
        assertThat(GitIndex.anyGitlink(ByteBuffer.wrap("NOTANINDEX..".getBytes()), 20)).isTrue();
        Files.writeString(r.resolve(".git/sharedindex.0123"), "");
        Files.write(index, whole);
        assertThat(GitIndex.mayHoldGitlinks(r.resolve(".git"), 20)).isTrue();
        assertThat(GitIndex.mayHoldGitlinks(tmp.resolve("no-repo"), 20)).isFalse();
    }
}
