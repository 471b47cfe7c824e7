package airlock.e2e;

import airlock.daemon.core.SessionRecord;
import airlock.daemon.ShimRunner;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scenarios in real Docker containers, run by a private dockerd started here, through
 * {@code docker run -v <profile socket>:/run/docker-airlock.sock -v <workspace>:/workspace}. When
 * no engine can start, every test of this class is reported skipped, with the reason on stderr;
 * {@link BwrapProxyTest} runs the same scenarios in a bubblewrap sandbox.
 */
class DockerProxyTest extends ProxyScenarios {
    DockerEngine engine;

    @Override
    Sandbox openSandbox(Workbench bench) throws Exception {
        try {
            engine = DockerEngine.start();
        } catch (IOException | RuntimeException e) {
            System.err.println("""
                    ***************************************************************************
                    SKIPPED: DockerProxyTest: no Docker engine could start here: %s
                    The bubblewrap variant (BwrapProxyTest) still runs the same scenarios.
                    ***************************************************************************""".formatted(e.getMessage()));
            Assumptions.abort("no Docker engine could start: " + e.getMessage());
        }
        return new Docker(engine, bench, null);
    }

    record Docker(DockerEngine engine, Workbench bench, String user) implements Sandbox {
        @Override
        public ProcessBuilder command(Path socket, String cwd, List<String> argv, Map<String, String> env, String name) {
            List<String> cmd = new ArrayList<>(engine.command("run", "--rm", "-i", "--name", name, "--network", "none",
                    "--log-driver", "none",
                    "-v", "/usr:/usr:ro",
                    "-v", bench.shimDir + ":" + ShimInstall.IN_SANDBOX + ":ro",
                    "-v", ShimInstall.classes() + ":" + ShimInstall.IN_SANDBOX + "/classes:ro",
                    "-v", socket + ":" + SOCKET,
                    "-v", bench.workspace + ":" + WORKSPACE,
                    "-w", cwd, "-e", "PATH=" + ShimInstall.IN_SANDBOX + "/bin:/usr/bin:/bin", "-e", "HOME=/tmp"));
            if (user != null) cmd.addAll(List.of("--user", user));
            for (var e : env.entrySet()) cmd.addAll(List.of("-e", e.getKey() + "=" + e.getValue()));
            cmd.add(DockerEngine.IMAGE);
            cmd.addAll(argv);
            return new ProcessBuilder(cmd).directory(bench.root.toFile());
        }

        @Override
        public void close() {
            engine.close();
        }

        @Override
        public void signal(String name, Process run, int signal) throws IOException, InterruptedException {
            // the shim's JVM is the container's pid 1 (the launcher script execs java)
            long deadline = System.currentTimeMillis() + 20_000;
            while (engine.docker("kill", "--signal", Integer.toString(signal), name).waitFor() != 0) {
                if (System.currentTimeMillis() > deadline) throw new AssertionError("docker kill " + name + " failed");
                Thread.sleep(50);
            }
        }
    }

    @Test
    void theDaemonKnowsTheContainerFromTheCgroupAndTheShimsHintAgrees() throws Exception {
        bench.records.clear();
        String name = "airlock-id-" + (++runs);
        var r = ShimRunner.run(sandbox.command(bench.socket("agent"), Sandbox.WORKSPACE + "/repo", List.of("git", "rev-parse", "HEAD"),
                Map.of(), name), new byte[0]);
        assertThat(r.exit()).as(r.err()).isZero();
        SessionRecord record = awaitRecordOf("rev-parse");
        assertThat(record.caller().containerId()).matches("[0-9a-f]{64}");
        assertThat(record.request().orElseThrow().containerId()).isEqualTo(record.caller().containerId());
        assertThat(record.caller().pid()).isPositive();
    }

    @Test
    void aForgedContainerHintIsRefusedAndLogged() throws Exception {
        String forged = "ab".repeat(32);
        String classpath = ShimInstall.IN_SANDBOX + "/classes:/opt/test-classes";
        var pb = sandbox.command(bench.socket("agent"), Sandbox.WORKSPACE, List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
                ForgedHintClient.class.getName(), forged), Map.of(), "airlock-forged-" + (++runs));
        // mount the test classes for the forging client
        List<String> cmd = new ArrayList<>(pb.command());
        int image = cmd.indexOf(DockerEngine.IMAGE);
        cmd.addAll(image, List.of("-v", Path.of(ForgedHintClient.class.getProtectionDomain().getCodeSource().getLocation().toURI()) + ":/opt/test-classes:ro"));
        var r = ShimRunner.run(new ProcessBuilder(cmd), new byte[0]);
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(126);
        assertThat(r.err()).startsWith("airlock: refused: the container id sent (" + forged + ") does not match the caller's cgroup (");
        assertThat(bench.log.toString()).contains("claims container " + forged + " but its cgroup says ");
        assertThat(bench.fakeRuns()).isEmpty();
    }

    @Test
    void aNonRootContainerUserNeedsTheProfilesSocketOwner() throws Exception {
        Assumptions.assumeTrue(Workbench.isRoot(), "chown of the socket needs root");
        Docker asAgent = new Docker(engine, bench, "1000:1000");
        var denied = ShimRunner.run(asAgent.command(bench.socket("agent"), Sandbox.WORKSPACE, List.of("fake", "hello"), Map.of(),
                "airlock-user-" + (++runs)), new byte[0]);
        assertThat(denied.exit()).isEqualTo(125);
        assertThat(denied.err()).startsWith("airlock: cannot reach the daemon at /run/docker-airlock.sock");
        var allowed = ShimRunner.run(asAgent.command(bench.socket("shared"), Sandbox.WORKSPACE, List.of("fake", "hello"), Map.of(),
                "airlock-user-" + (++runs)), new byte[0]);
        assertThat(allowed.exit()).as(allowed.err()).isZero();
        assertThat(allowed.out()).isEqualTo("fake: hello\n");
    }
}
