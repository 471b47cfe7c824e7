package airlock.daemon;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12.1: with a layout where the container path differs from the host folder (/workspace in
 * the container is WORK on the host), absolute container paths in arguments are mapped to the host
 * and confined there; a host path the agent could not know is refused.
 */
class ContainerPathsTest {
    @TempDir Path tmp;
    Daemon daemon;
    Path work;

    @AfterEach
    void stop() {
        if (daemon != null) daemon.close();
    }

    private SocketClient.Result git(String cwd, String... args) throws Exception {
        return SocketClient.run(daemon.directory().socketOf("default"), "git", List.of(args), cwd);
    }

    @Test
    void absoluteContainerPathsWorkAndHostPathsDoNot() throws Exception {
        Path config = Files.createDirectories(tmp.resolve("config/profiles")).getParent();
        work = Files.createDirectories(tmp.resolve("host-workspace")).toRealPath();
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"git\"]\n");
        Files.writeString(config.resolve("profiles/default.toml"), "commands = []\n[mounts]\n\"/workspace\" = \"" + work + "\"\n");
        daemon = Daemon.start(new ConfigDirectory(config), System.getenv(), new PrintStream(new ByteArrayOutputStream()));

        var bare = git("/workspace", "init", "-q", "--bare", "-b", "main", "/workspace/remote.git");
        assertThat(bare.refusal()).as(bare.toString()).isNull();
        assertThat(work.resolve("remote.git/HEAD")).exists();

        assertThat(git("/workspace", "init", "-q", "-b", "main", "/workspace/proj").refusal()).isNull();
        assertThat(work.resolve("proj/.git")).isDirectory();
        Files.writeString(work.resolve("proj/a.txt"), "hello\n");
        assertThat(git("/workspace/proj", "add", "a.txt").exit()).isZero();
        assertThat(git("/workspace/proj", "-c", "user.name=A", "commit", "-q", "-m", "x").exit()).isNotZero(); // -c refused
        assertThat(git("/workspace/proj", "config", "user.email", "agent@example.invalid").exit()).isZero();
        assertThat(git("/workspace/proj", "config", "user.name", "Agent").exit()).isZero();
        assertThat(git("/workspace/proj", "commit", "-q", "-m", "first").exit()).isZero();

        var remote = git("/workspace/proj", "remote", "add", "origin", "/workspace/remote.git");
        assertThat(remote.refusal()).as(remote.toString()).isNull();
        var push = git("/workspace/proj", "push", "-q", "origin", "main");
        assertThat(push.refusal()).as(push.toString()).isNull();
        assertThat(push.exit()).as(push.toString()).isZero();

        var clone = git("/workspace", "clone", "-q", "/workspace/remote.git", "copy");
        assertThat(clone.refusal()).as(clone.toString()).isNull();
        assertThat(work.resolve("copy/a.txt")).hasContent("hello\n");

        var log = git("/workspace", "-C", "/workspace/copy", "log", "--format=%s");
        assertThat(log.refusal()).as(log.toString()).isNull();
        assertThat(log.out()).isEqualTo("first\n");

        // the host path of the same folder is not a container path: the agent cannot know it
        var host = git("/workspace", "-C", work.resolve("copy").toString(), "log");
        assertThat(host.refusal()).startsWith("airlock: refused by the mounts layer").contains("no container path of [/workspace]");
        var hostClone = git("/workspace", "clone", "-q", work.resolve("remote.git").toString(), "copy2");
        assertThat(hostClone.refusal()).startsWith("airlock: refused by the mounts layer");
        assertThat(work.resolve("copy2")).doesNotExist();
        // a container prefix does not carry a path out of the mount: ".." is resolved on the host side
        assertThat(git("/workspace", "-C", "/workspace/../../etc", "log").refusal()).startsWith("airlock: refused by the mounts layer");
        assertThat(git("/workspace", "--git-dir=/workspace/copy/../../..", "log").refusal()).startsWith("airlock: refused by the mounts layer");
        // and a container path outside every mount stays refused
        assertThat(git("/workspace", "clone", "-q", "/etc", "copy3").refusal()).startsWith("airlock: refused by the mounts layer");
    }
}
