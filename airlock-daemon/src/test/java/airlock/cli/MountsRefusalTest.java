package airlock.cli;

import airlock.daemon.ShimRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 20.8: a cwd outside the mounts is refused naming the folders that are mounted (their
 * container paths, the only ones the agent knows), through the real shim.
 */
class MountsRefusalTest {
    @TempDir Path tmp;

    @Test
    void aCwdOutsideTheMountsIsRefusedNamingTheMountedFolders() throws Exception {
        try (LifecycleWorld w = new LifecycleWorld(tmp, "", "").start()) {
            Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere")).toRealPath();
            var r = ShimRunner.run(ShimRunner.builder(w.socket(), elsewhere, "tool", List.of("hello"), Map.of()), new byte[0]);
            assertThat(r.exit()).as(r.err()).isEqualTo(126);
            assertThat(r.err()).isEqualTo("airlock: refused by the mounts layer: working directory " + elsewhere
                    + " is outside the profile's [mounts]; the mounted folder is " + w.work + ": work in it or below\n");
            assertThat(r.out()).isEmpty();
            assertThat(tmp.resolve("tool-calls")).doesNotExist();

            // two mounts: both named, sorted
            Path second = Files.createDirectories(tmp.resolve("second")).toRealPath();
            Files.writeString(w.profileFile(), "commands = []\n[mounts]\n\"" + w.work + "\" = \"" + w.work + "\"\n\""
                    + second + "\" = \"" + second + "\"\n");
            assertThat(w.daemon.reloader().reload()).isTrue();
            var two = ShimRunner.run(ShimRunner.builder(w.socket(), elsewhere, "tool", List.of("hello"), Map.of()), new byte[0]);
            assertThat(two.err()).contains("; the mounted folders are " + second + ", " + w.work + ": work in one of them or below\n");
        }
    }
}
