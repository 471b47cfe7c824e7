package airlock.cli;

import airlock.daemon.sandbox.Bubblewrap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** airlock doctor on a sandboxed module: bubblewrap works, or a FAIL that says why and how to fix it. */
class SandboxDoctorTest {
    @TempDir Path tmp;

    @Test
    void saysWhetherTheSandboxedModulesCanRun() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        cli.write("config.toml", "[commands]\nenable = [\"git\", \"python3\"]\n");
        cli.env.put("PATH", "/usr/bin:/bin");
        var r = cli.run("doctor");
        if (Bubblewrap.probe("/usr/bin:/bin") instanceof Bubblewrap.Availability.Ready) {
            assertThat(r.out()).contains("ok    sandbox: ").contains("makes sandboxes for [python3]").contains("process limits through");
            // python3 has network = true: doctor says whether its own network namespace can be made here
            if (airlock.daemon.sandbox.UserNetwork.missing(new airlock.rules.SandboxSpec(true, java.util.List.of(), true, 0, 0, 0, 0),
                    "/usr/bin:/bin").isEmpty()) {
                assertThat(r.out()).contains("ok    sandbox: network = true of [python3] is a network namespace of the run's own");
            } else {
                assertThat(r.out()).contains("FAIL  sandbox: [sandbox] network = true needs").contains("([python3] will be refused)");
            }
        } else {
            assertThat(r.out()).contains("FAIL  sandbox:").contains("every request of [python3] will be refused");
        }
    }

    @Test
    void withoutSandboxedModulesThereIsNoSandboxLine() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        assertThat(cli.run("doctor").out()).doesNotContain("sandbox:");
    }
}
