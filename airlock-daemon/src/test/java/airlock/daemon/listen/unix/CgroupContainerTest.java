package airlock.daemon.listen.unix;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** /proc/PID/cgroup as Docker, Podman and a plain host write it. */
class CgroupContainerTest {
    static final String ID = "480da5c96e144432e3570f85b96e48323d72adc310f542decf6f8822a8cf43e7";

    @Test
    void dockerWithTheCgroupfsDriverOnCgroupV1() {
        String text = "9:name=systemd:/docker/" + ID + "\n4:memory:/docker/" + ID + "\n0::/docker/" + ID + "\n";
        assertThat(CgroupContainer.fromCgroup(text)).isEqualTo(ID);
    }

    @Test
    void dockerWithSystemdOnCgroupV2() {
        assertThat(CgroupContainer.fromCgroup("0::/system.slice/docker-" + ID + ".scope\n")).isEqualTo(ID);
    }

    @Test
    void podmanRootfulAndRootless() {
        assertThat(CgroupContainer.fromCgroup("0::/machine.slice/libpod-" + ID + ".scope/container\n")).isEqualTo(ID);
        assertThat(CgroupContainer.fromCgroup(
                "0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + ID + ".scope\n")).isEqualTo(ID);
    }

    @Test
    void aHostProcessIsInNoContainer() {
        assertThat(CgroupContainer.fromCgroup("0::/user.slice/user-1000.slice/session-2.scope\n")).isEmpty();
        assertThat(CgroupContainer.fromCgroup("9:name=systemd:/\n4:memory:/process_api/25bce7e380dbba49\n0::/\n")).isEmpty();
    }

    @Test
    void anIdMustBeWholeNotAPrefixOfALongerName() {
        assertThat(CgroupContainer.fromCgroup("0::/docker/" + ID + "ff\n")).isEmpty();
    }

    @Test
    void readsTheFileOfAPid(@TempDir Path proc) throws Exception {
        Files.createDirectories(proc.resolve("42"));
        Files.writeString(proc.resolve("42/cgroup"), "0::/docker/" + ID + "\n");
        assertThat(CgroupContainer.ofPid(proc, 42)).isEqualTo(ID);
        assertThat(CgroupContainer.ofPid(proc, 43)).isEmpty();
    }

    @Test
    void thisTestsOwnProcessIsReadFromTheRealProc() {
        // the suite does not run inside a Docker container on CI; whatever it says, reading must not fail
        String mine = CgroupContainer.ofPid(Path.of("/proc"), ProcessHandle.current().pid());
        assertThat(mine).matches("|[0-9a-f]{64}");
    }
}
