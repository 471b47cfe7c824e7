package airlock.daemon;

import airlock.daemon.core.PathMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Container paths through the mounts and on the real disk, with the symlinks an agent could plant. */
class PathMapperTest {
    @TempDir Path tmp;
    Path work;
    Path secret;
    PathMapper mapper;

    @BeforeEach
    void setUp() throws Exception {
        work = Files.createDirectories(tmp.resolve("host/work")).toRealPath();
        Files.createDirectories(work.resolve("repo/sub"));
        Files.createDirectories(tmp.resolve("host/work-other"));
        secret = Files.createDirectories(tmp.resolve("host/secret")).toRealPath();
        Files.createDirectories(tmp.resolve("host/deps"));
        mapper = new PathMapper(Map.of("/workspace", work.toString(), "/workspace/deps", tmp.resolve("host/deps").toString()));
    }

    @Test
    void theLongestPrefixWins() throws Exception {
        assertThat(mapper.toHost("/workspace/repo/sub")).contains(work.resolve("repo/sub"));
        assertThat(mapper.toHost("/workspace/deps")).contains(tmp.resolve("host/deps").toRealPath());
        assertThat(mapper.toHost("/workspace")).contains(work);
    }

    @Test
    void outsideEveryMountIsRefused() {
        assertThat(mapper.toHost("/etc")).isEmpty();
        assertThat(mapper.toHost("/workspace-other")).isEmpty(); // a name prefix is not a path prefix
        assertThat(mapper.toHost("relative/path")).isEmpty();
        assertThat(mapper.toHost("/workspace/a\0b")).isEmpty();
    }

    @Test
    void dotDotCannotClimbOutOfTheMount() {
        assertThat(mapper.toHost("/workspace/../etc")).isEmpty();
        assertThat(mapper.toHost("/workspace/repo/../../workspace/repo")).contains(work.resolve("repo"));
    }

    @Test
    void aSymlinkInTheWorkspaceCannotLeadOut() throws Exception {
        Files.createSymbolicLink(work.resolve("repo/escape"), secret);
        assertThat(mapper.toHost("/workspace/repo/escape")).isEmpty();
        Files.createSymbolicLink(work.resolve("repo/inside"), work.resolve("repo/sub"));
        assertThat(mapper.toHost("/workspace/repo/inside")).contains(work.resolve("repo/sub"));
    }

    @Test
    void aMissingDirectoryIsRefused() {
        assertThat(mapper.toHost("/workspace/nope")).isEmpty();
    }

    @Test
    void confinedArgumentsResolveAsTheToolWillSeeThem() throws Exception {
        Path cwd = work.resolve("repo");
        assertThat(mapper.confine("sub", cwd)).contains(work.resolve("repo/sub"));
        assertThat(mapper.confine("../..", cwd)).isEmpty();
        assertThat(mapper.confine(secret.toString(), cwd)).isEmpty();
        assertThat(mapper.confine(work.resolve("repo/sub").toString(), cwd)).contains(work.resolve("repo/sub"));
    }

    @Test
    void aPathStillToBeCreatedResolvesThroughItsNearestExistingParent() throws Exception {
        Path cwd = work.resolve("repo");
        assertThat(mapper.confine("new/dir/file.txt", cwd)).contains(work.resolve("repo/new/dir/file.txt"));
        Files.createSymbolicLink(work.resolve("repo/out"), secret);
        assertThat(mapper.confine("out/new-file", cwd)).isEmpty();
        assertThat(mapper.confine("new/../../../../etc/passwd", cwd)).isEmpty();
        Files.createSymbolicLink(work.resolve("repo/dangling"), secret.resolve("does-not-exist"));
        assertThat(mapper.confine("dangling", cwd)).isEmpty();
    }
}
