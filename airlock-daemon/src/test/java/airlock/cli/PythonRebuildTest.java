package airlock.cli;

import airlock.attacks.PipAttackTest;
import airlock.daemon.sandbox.Bubblewrap;
import airlock.daemon.sandbox.PythonEnvironments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** airlock python rebuild: the kept pip installs make the environment again, in the pip sandbox. */
class PythonRebuildTest {
    @TempDir Path tmp;

    @Test
    void theKeptInstallsMakeTheEnvironmentAgain() throws Exception {
        assumeTrue(Bubblewrap.probe("/usr/bin:/bin") instanceof Bubblewrap.Availability.Ready, "bubblewrap unavailable");
        Cli cli = new Cli(tmp);
        cli.env.put("PATH", "/usr/bin:/bin");
        Path ws = Files.createDirectories(tmp.toRealPath().resolve("ws"));
        Path wheels = Files.createDirectories(ws.resolve("wheels"));
        PipAttackTest.wheel(wheels, "airlockcanary", "2.0", "VALUE = 'rebuilt'\n");
        cli.write("config.toml", "[commands]\nenable = [\"python3\", \"pip\"]\n");
        cli.write("profiles/alpha.toml", "commands = []\n[mounts]\n\"" + ws + "\" = \"" + ws + "\"\n");
        PythonEnvironments envs = new PythonEnvironments(cli.config.resolve("python"));
        List<String> args = List.of("install", "--no-index", "--find-links", wheels.toString(), "airlockcanary");
        envs.keep("alpha", new PythonEnvironments.Install(ws.toString(), args));
        // a leftover that a rebuild must not keep
        Files.createDirectories(envs.venv("alpha"));
        Files.writeString(envs.venv("alpha").resolve("stale"), "x");

        var r = cli.run("python rebuild", "alpha");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("rebuilt from 1 kept pip command(s)");
        assertThat(envs.venv("alpha").resolve("stale")).doesNotExist();
        Process p = new ProcessBuilder(envs.python("alpha").toString(), "-c", "import airlockcanary; print(airlockcanary.VALUE)")
                .redirectErrorStream(true).start();
        assertThat(new String(p.getInputStream().readAllBytes()).strip()).isEqualTo("rebuilt");
        assertThat(envs.installs("alpha")).containsExactly(new PythonEnvironments.Install(ws.toString(), args));

        assertThat(cli.run("python rebuild", "nobody").err()).contains("airlock: no profile named 'nobody'");
    }
}
