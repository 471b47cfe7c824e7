package airlock.daemon;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The thinnest end-to-end path: shim process -> unix socket -> policy -> real git -> stream -> exit. */
class WalkingSkeletonTest {
    @TempDir Path tmp;
    Daemon daemon;
    Path repo;

    @BeforeEach
    void start() throws Exception {
        Path config = tmp.resolve("config");
        Files.createDirectories(config.resolve("profiles"));
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"git\"]\n");
        repo = Git.initRepo(tmp.resolve("work/repo"));
        Path work = tmp.resolve("work").toRealPath();
        Files.writeString(config.resolve("profiles/default.toml"),
                "commands = []\n[mounts]\n\"" + work + "\" = \"" + work + "\"\n");
        daemon = Daemon.start(new ConfigDirectory(config), System.getenv(), new PrintStream(new ByteArrayOutputStream()));
    }

    @AfterEach
    void stop() {
        daemon.close();
    }

    Path socket() {
        return daemon.directory().socketOf("default");
    }

    @Test
    void gitLogThroughTheShimMatchesGitRunDirectly() throws Exception {
        Files.writeString(repo.resolve("new.txt"), "x\n");
        for (List<String> args : List.of(List.of("status", "--short"), List.of("log", "--format=%H %s"))) {
            var direct = Git.run(repo, args.toArray(String[]::new));
            var proxied = ShimRunner.run(socket(), repo, "git", args);
            assertThat(proxied.err()).isEqualTo(direct.err());
            assertThat(proxied.out()).isEqualTo(direct.out()).isNotEmpty();
            assertThat(proxied.exit()).isEqualTo(direct.exit()).isZero();
        }
    }

    @Test
    void aDeniedFlagIsRefusedWithTheRuleAndRunsNothing() throws Exception {
        var r = ShimRunner.run(socket(), repo, "git", List.of("-c", "core.pager=touch /tmp/x", "log"));
        assertThat(r.exit()).isEqualTo(126);
        assertThat(r.err()).startsWith("airlock: refused by the module layer").contains("(rule \"-c");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aCommandNotEnabledIsUnknown() throws Exception {
        var r = ShimRunner.run(socket(), repo, "terraform", List.of("plan"));
        assertThat(r.exit()).isEqualTo(127);
        assertThat(r.err()).startsWith("airlock: refused by the config layer").contains("unknown command 'terraform'");
    }
}
