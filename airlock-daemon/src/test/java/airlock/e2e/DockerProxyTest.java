package airlock.e2e;

import airlock.daemon.core.SessionRecord;
import airlock.daemon.Git;
import airlock.daemon.ShimRunner;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

    /**
     * Issue 12: the README's quick start into a real container. {@code airlock init} writes the
     * starter config (the workspace mapped onto its own path) and prints the {@code docker run}
     * flags; {@code airlock start} serves it; the agent, in a container started with exactly those
     * flags, works with absolute container paths: init, add, a first commit refused for lack of
     * identity, {@code git config --global} refused with its hint, the identity set as the hint
     * says, commit, a bare remote inside the workspace, push, clone, log. Every path git prints is
     * one the container can open.
     */
    @Test
    void theReadmesQuickStartWorksInARealContainerWithAbsolutePaths() throws Exception {
        Path home = Files.createDirectories(bench.root.resolve("qs"));
        // a host user whose git knows no identity (as on a host whose name has no domain)
        Files.writeString(home.resolve(".gitconfig"), "[user]\n\tuseConfigOnly = true\n");
        Map<String, String> env = new java.util.TreeMap<>(Map.of("HOME", home.toString(), "USER", "root", "LANG", "C.UTF-8",
                "PATH", bench.daemonEnv().get("PATH")));
        Path ws = home.resolve("airlock-workspace");
        Path sock = home.resolve(".config/airlock/sockets/default.sock");

        ProcessBuilder init = new ProcessBuilder(airlock.cli.AirlockProcess.command("init", "--no-service")).redirectErrorStream(true);
        init.environment().clear();
        init.environment().putAll(env);
        Process ip = init.start();
        String printed = new String(ip.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ip.waitFor()).as(printed).isZero();
        String recipe = "docker run -v " + ws + ":" + ws + " -w " + ws + " -v " + sock + ":/run/docker-airlock.sock ...";
        assertThat(printed).contains(recipe);
        assertThat(ws).isDirectory();
        List<String> flags = List.of(recipe.substring("docker run ".length(), recipe.length() - " ...".length()).split(" "));

        ProcessBuilder start = new ProcessBuilder(airlock.cli.AirlockProcess.command("start")).redirectErrorStream(true);
        start.environment().clear();
        start.environment().putAll(env);
        Process daemon = start.start();
        java.io.ByteArrayOutputStream daemonLog = new java.io.ByteArrayOutputStream();
        Thread reader = Thread.ofPlatform().daemon(true).start(() -> {
            try {
                daemon.getInputStream().transferTo(daemonLog);
            } catch (IOException e) {
                // the daemon ended
            }
        });
        try {
            long deadline = System.currentTimeMillis() + 60_000;
            while (!daemonLog.toString(StandardCharsets.UTF_8).contains("profile default listening on " + sock)) {
                assertThat(daemon.isAlive()).as(daemonLog.toString(StandardCharsets.UTF_8)).isTrue();
                assertThat(System.currentTimeMillis()).as("airlock start listening").isLessThan(deadline);
                Thread.sleep(100);
            }
            String proj = ws + "/proj";
            String remote = ws + "/remote.git";
            String copy = ws + "/copy";
            var created = agent(flags, "git", "init", "-b", "main", proj);
            assertThat(created.exit()).as(created.err()).isZero();
            assertThat(created.out()).isEqualTo("Initialized empty Git repository in " + proj + "/.git/\n");
            assertThat(agent(flags, "/bin/sh", "-c", "echo hello > " + proj + "/README.md").exit()).isZero();
            assertThat(agent(flags, "git", "-C", proj, "add", "README.md").exit()).isZero();

            var anonymous = agent(flags, "git", "-C", proj, "commit", "-m", "first");
            assertThat(anonymous.exit()).isEqualTo(128);
            assertThat(anonymous.err()).contains("Please tell me who you are").contains("git config --global user.email");
            var global = agent(flags, "git", "config", "--global", "user.email", "agent@example.com");
            assertThat(global.exit()).isEqualTo(126);
            assertThat(global.err()).startsWith("airlock: refused by the module layer")
                    .contains("git config user.email you@example.com");
            assertThat(home.resolve(".gitconfig")).content().doesNotContain("agent@example.com");
            // as the hint says: in the repository
            assertThat(agent(flags, "git", "-C", proj, "config", "user.email", "agent@example.com").exit()).isZero();
            assertThat(agent(flags, "git", "-C", proj, "config", "user.name", "Agent").exit()).isZero();
            var commit = agent(flags, "git", "-C", proj, "commit", "-m", "first");
            assertThat(commit.exit()).as(commit.err()).isZero();
            assertThat(commit.out()).startsWith("[main (root-commit) ").contains("] first\n");

            var bare = agent(flags, "git", "init", "--bare", "-b", "main", remote);
            assertThat(bare.exit()).as(bare.err()).isZero();
            assertThat(bare.out()).isEqualTo("Initialized empty Git repository in " + remote + "/\n");
            assertThat(agent(flags, "git", "-C", proj, "remote", "add", "origin", remote).exit()).isZero();
            var push = agent(flags, "git", "-C", proj, "push", "-u", "origin", "main");
            assertThat(push.exit()).as(push.err()).isZero();
            assertThat(push.err()).contains("To " + remote + "\n").contains("* [new branch]      main -> main");
            var clone = agent(flags, "git", "clone", remote, copy);
            assertThat(clone.exit()).as(clone.err()).isZero();
            assertThat(clone.err()).contains("Cloning into '" + copy + "'...");
            var log = agent(flags, "git", "-C", copy, "log", "--format=%an <%ae> %s");
            assertThat(log.exit()).as(log.err()).isZero();
            assertThat(log.out()).isEqualTo("Agent <agent@example.com> first\n");

            // what git prints about places is true in the container: it can open them
            var where = agent(flags, "/bin/sh", "-c", "cd " + copy + " && top=$(git rev-parse --show-toplevel) && "
                    + "url=$(git remote get-url origin) && echo \"$top $url\" && test -d \"$top/.git\" && test -f \"$url/HEAD\"");
            assertThat(where.exit()).as(where.out() + where.err()).isZero();
            assertThat(where.out()).isEqualTo(copy + " " + remote + "\n");
            assertThat(Git.run(ws.resolve("copy"), "log", "-1", "--format=%s").out()).isEqualTo("first\n");
        } finally {
            daemon.destroy();
            if (!daemon.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) daemon.destroyForcibly().waitFor();
            reader.join(5_000);
        }
    }

    /** One command of the agent, in a container started with the README's flags for the starter profile. */
    private ShimRunner.Result agent(List<String> readmeFlags, String... argv) throws Exception {
        List<String> cmd = new ArrayList<>(engine.command("run", "--rm", "-i", "--network", "none", "--log-driver", "none",
                "-v", "/usr:/usr:ro",
                "-v", bench.shimDir + ":" + ShimInstall.IN_SANDBOX + ":ro",
                "-v", ShimInstall.classes() + ":" + ShimInstall.IN_SANDBOX + "/classes:ro",
                "-e", "PATH=" + ShimInstall.IN_SANDBOX + "/bin:/usr/bin:/bin", "-e", "HOME=/tmp"));
        cmd.addAll(readmeFlags);
        cmd.add(DockerEngine.IMAGE);
        cmd.addAll(List.of(argv));
        return ShimRunner.run(new ProcessBuilder(cmd).directory(bench.root.toFile()), new byte[0]);
    }
}
