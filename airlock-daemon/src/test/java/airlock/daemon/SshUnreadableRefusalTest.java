package airlock.daemon;

import airlock.daemon.checks.ssh.SshDestination;
import airlock.rules.Decision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** When ssh -G cannot read a command line, the refusal still says why and what works (it said nothing before). */
class SshUnreadableRefusalTest {
    @TempDir Path dir;

    @Test
    void realSshRejectingAnOptionIsExplainedOnOneLine() {
        Decision d = SshDestination.check(Path.of("/usr/bin/ssh"), List.of("-o", "Bogus=1", "h"), dir, Map.of("PATH", "/usr/bin:/bin"));
        assertThat(d.allowed()).isFalse();
        assertThat(d.message()).contains("ssh -G").contains("Bad configuration option: bogus")
                .contains("Instead: give a destination").doesNotContain("\n");
    }

    @Test
    void realSshWithoutDestinationDoesNotDumpItsUsage() {
        Decision d = SshDestination.check(Path.of("/usr/bin/ssh"), List.of(), dir, Map.of("PATH", "/usr/bin:/bin"));
        assertThat(d.message()).contains("usage: ssh").doesNotContain("\n").contains("Instead: ");
    }

    @Test
    void aSilentFailureStillSaysWhy() throws IOException {
        Path ssh = dir.resolve("ssh");
        Files.writeString(ssh, "#!/bin/sh\nexit 255\n");
        Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwx------"));
        Decision d = SshDestination.check(ssh, List.of("host"), dir, Map.of("PATH", "/usr/bin:/bin"));
        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).doesNotEndWith(": ").contains("exited 255 and named no destination");
        assertThat(d.message()).contains("Instead: ");
    }
}
