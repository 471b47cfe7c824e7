package airlock.e2e;

import airlock.daemon.core.SessionRecord;
import airlock.daemon.Git;
import airlock.daemon.ShimRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What an agent sees through airlock, run for real inside a sandbox: the JVM shim symlinked as git,
 * a real daemon on the host, the real git, real processes. Each subclass supplies the sandbox.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ProxyScenarios {
    Workbench bench;
    Sandbox sandbox;
    int runs;

    abstract Sandbox openSandbox(Workbench bench) throws Exception;

    @BeforeAll
    void startDaemonAndSandbox(@TempDir Path tmp) throws Exception {
        bench = new Workbench(tmp.resolve("bench")).start();
        sandbox = openSandbox(bench);
    }

    @AfterAll
    void stop() {
        if (sandbox != null) sandbox.close();
        if (bench != null) bench.close();
    }

    @BeforeEach
    void cleanFakeLog() throws IOException {
        Files.deleteIfExists(bench.fakeLog);
    }

    ShimRunner.Result run(String profile, String cwd, byte[] stdin, String... argv) throws Exception {
        return ShimRunner.run(start(profile, cwd, argv), stdin);
    }

    ShimRunner.Result git(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        return run("agent", Sandbox.WORKSPACE + "/repo", new byte[0], argv.toArray(String[]::new));
    }

    ProcessBuilder start(String profile, String cwd, String... argv) {
        return sandbox.command(bench.socket(profile), cwd, List.of(argv), Map.of(), "airlock-run-" + (++runs));
    }

    /** git run directly on the host with the environment the daemon gives it. */
    ShimRunner.Result direct(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(bench.repo.toFile());
        pb.environment().clear();
        pb.environment().putAll(Map.of("PATH", System.getenv("PATH"), "HOME", bench.hostHome.toString(),
                "USER", System.getProperty("user.name"), "LANG", "C.UTF-8", "GIT_CONFIG_NOSYSTEM", "1", "GIT_TERMINAL_PROMPT", "0"));
        pb.environment().put("LOGNAME", System.getProperty("user.name"));
        return ShimRunner.run(pb, new byte[0]);
    }

    @Test
    void gitStatusLogCommitAndPushBehaveAsIfRunDirectly() throws Exception {
        Files.writeString(bench.repo.resolve("README"), "changed\n");
        Files.writeString(bench.repo.resolve("new.txt"), "new\n");
        for (String[] args : new String[][]{{"status"}, {"status", "--short"}, {"log", "--format=%H %an %s"}, {"diff"}, {"log", "--stat"}}) {
            var viaShim = git(args);
            var directly = direct(args);
            assertThat(viaShim.err()).as("stderr of git %s", List.of(args)).isEqualTo(directly.err());
            assertThat(viaShim.out()).as("stdout of git %s", List.of(args)).isEqualTo(directly.out()).isNotEmpty();
            assertThat(viaShim.exit()).isEqualTo(directly.exit()).isZero();
        }
        assertThat(git("add", "new.txt", "README").exit()).isZero();
        var commit = git("commit", "-m", "through airlock");
        assertThat(commit.exit()).as(commit.err()).isZero();
        String head = direct("rev-parse", "--short", "HEAD").out().strip();
        assertThat(commit.out()).startsWith("[main " + head + "] through airlock\n").contains("2 files changed");
        assertThat(direct("log", "-1", "--format=%s").out()).isEqualTo("through airlock\n");

        var push = git("push", "origin", "main");
        assertThat(push.exit()).as(push.err()).isZero();
        assertThat(push.err()).isEqualTo("To " + bench.remote + "\n * [new branch]      main -> main\n");
        assertThat(Git.run(bench.remote, "rev-parse", "main").out()).isEqualTo(direct("rev-parse", "HEAD").out());
        var again = git("push", "origin", "main");
        var againDirect = direct("push", "origin", "main");
        assertThat(again.err()).isEqualTo(againDirect.err()).isEqualTo("Everything up-to-date\n");
        assertThat(again.exit()).isEqualTo(againDirect.exit()).isZero();

        var failing = git("log", "no-such-branch");
        var failingDirect = direct("log", "no-such-branch");
        assertThat(failing.exit()).isEqualTo(failingDirect.exit()).isEqualTo(128);
        assertThat(failing.err()).isEqualTo(failingDirect.err());
    }

    @Test
    void hundredMegabytesOfBinaryOutputArriveByteExact() throws Exception {
        Path blob = bench.root.resolve("random.bin");
        byte[] chunk = new byte[1 << 20];
        Random random = new Random(42);
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        try (var out = Files.newOutputStream(blob)) {
            for (int i = 0; i < 100; i++) {
                random.nextBytes(chunk);
                out.write(chunk);
                expected.update(chunk);
            }
        }
        String id = Git.run(bench.repo, "hash-object", "-w", blob.toString()).out().strip();
        Process p = start("agent", Sandbox.WORKSPACE + "/repo", "git", "cat-file", "blob", id).start();
        p.getOutputStream().close();
        MessageDigest got = MessageDigest.getInstance("SHA-256");
        long total = 0;
        try (InputStream in = p.getInputStream()) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                got.update(buf, 0, n);
                total += n;
            }
        }
        String err = new String(p.getErrorStream().readAllBytes());
        assertThat(p.waitFor()).as(err).isZero();
        assertThat(total).isEqualTo(100L << 20);
        assertThat(HexFormat.of().formatHex(got.digest())).isEqualTo(HexFormat.of().formatHex(expected.digest()));
    }

    @Test
    void stdinReachesTheTool() throws Exception {
        byte[] input = new byte[3 << 20];
        new Random(7).nextBytes(input);
        var viaShim = ShimRunner.run(start("agent", Sandbox.WORKSPACE + "/repo", "plumbing", "hash-object", "--stdin"), input);
        ProcessBuilder pb = new ProcessBuilder("git", "hash-object", "--stdin").directory(bench.repo.toFile());
        var directly = ShimRunner.run(pb, input);
        assertThat(viaShim.exit()).as(viaShim.err()).isZero();
        assertThat(viaShim.out()).isEqualTo(directly.out()).hasSize(41);
    }

    @Test
    void exitStatusesAndDeathBySignalComeBackAsDocumented() throws Exception {
        for (int status : new int[]{0, 1, 42}) {
            var r = run("agent", Sandbox.WORKSPACE, new byte[0], "fake", "exit", Integer.toString(status));
            assertThat(r.exit()).as(r.err()).isEqualTo(status);
        }
        assertThat(run("agent", Sandbox.WORKSPACE, new byte[0], "fake", "die", "KILL").exit()).isEqualTo(128 + 9);
        assertThat(run("agent", Sandbox.WORKSPACE, new byte[0], "fake", "die", "TERM").exit()).isEqualTo(128 + 15);
    }

    @Test
    void sigintToTheShimStopsTheLongRunningHostProcess() throws Exception {
        // SIGQUIT is not among them: a JVM keeps it for thread dumps (a native shim forwards it)
        for (int signal : new int[]{2, 15, 1}) {
            Path pidFile = bench.root.resolve("sleep-" + signal + ".pid");
            String name = "airlock-signal-" + signal + "-" + (++runs);
            Process shim = longRun("sleep", pidFile, name);
            long hostPid = Long.parseLong(awaitFile(pidFile).strip());
            assertThat(running(hostPid)).isTrue();
            sandbox.signal(name, shim, signal);
            assertThat(shim.waitFor(10, TimeUnit.SECONDS)).as("shim ends after signal " + signal).isTrue();
            assertThat(shim.exitValue()).isEqualTo(128 + signal);
            assertThat(gone(hostPid, 5_000)).as("host sleep gone after signal " + signal).isTrue();
            // forwarded, not a disconnect: the host process itself died of that signal
            SessionRecord.Outcome outcome = awaitRecord(r -> r.args().contains(pidFile.toString())).outcome();
            assertThat(outcome).isEqualTo(new SessionRecord.Outcome.Ran(0, signal, 0, 0, false));
        }
    }

    /** The fake tool's long runs ("sleep" or "tree" of processes), written to PIDFILE, for 60 s. */
    Process longRun(String verb, Path pidFile, String name) throws IOException {
        return sandbox.command(bench.socket("agent"), Sandbox.WORKSPACE, List.of("fake", verb, pidFile.toString(), "60"),
                Map.of(), name).start();
    }

    /** A JVM keeps SIGQUIT for itself: the JVM shim must at least not print a thread dump into the tool's output. */
    @Test
    void sigquitToTheJvmShimLeavesTheOutputByteExact() throws Exception {
        assumeTrue(System.getenv("AIRLOCK_TEST_SHIM") == null, "the native shim forwards SIGQUIT like the other signals");
        Path pidFile = bench.root.resolve("quit.pid");
        String name = "airlock-quit-" + (++runs);
        Process shim = longRun("sleep", pidFile, name);
        long hostPid = Long.parseLong(awaitFile(pidFile).strip());
        sandbox.signal(name, shim, 3);
        Thread.sleep(500);
        sandbox.signal(name, shim, 15);
        assertThat(shim.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(gone(hostPid, 5_000)).isTrue();
        String out = new String(shim.getInputStream().readAllBytes());
        String err = new String(shim.getErrorStream().readAllBytes());
        assertThat(out + err).doesNotContain("Full thread dump", "\"main\"");
        assertThat(shim.exitValue()).isEqualTo(128 + 15);
    }

    @Test
    void sigkillOfTheShimLeavesNoHostProcess() throws Exception {
        Path pidFile = bench.root.resolve("tree.pid");
        String name = "airlock-kill-" + (++runs);
        Process shim = longRun("tree", pidFile, name);
        List<Long> tree = awaitFile(pidFile).lines().map(Long::parseLong).toList();
        assertThat(tree).hasSize(3).allMatch(ProxyScenarios::running);
        sandbox.signal(name, shim, 9);
        assertThat(shim.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long deadline = System.currentTimeMillis() + 5_000;
        for (long pid : tree) assertThat(gone(pid, deadline - System.currentTimeMillis())).as("host pid " + pid + " gone").isTrue();
        SessionRecord.Outcome outcome = awaitRecordOf("tree").outcome();
        assertThat(outcome).isInstanceOfSatisfying(SessionRecord.Outcome.Ran.class, r -> assertThat(r.callerLost()).isTrue());
    }

    @Test
    void fiftyConcurrentSessionsAllCompleteCorrectly() throws Exception {
        String script = "for i in $(seq 1 50); do (fake echo $i > /tmp/out.$i 2>&1; echo $? > /tmp/status.$i) & done; wait; "
                + "for i in $(seq 1 50); do printf '%s %s\\n' \"$(cat /tmp/status.$i)\" \"$(cat /tmp/out.$i)\"; done";
        var r = run("agent", Sandbox.WORKSPACE, new byte[0], "/bin/sh", "-c", script);
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(50);
        for (int i = 1; i <= 50; i++) assertThat(lines.get(i - 1)).isEqualTo("0 fake: echo " + i);
        assertThat(bench.fakeRuns()).hasSize(50);
    }

    @Test
    void eachLayerRefusesWithItsDocumentedMessageAndRunsNothing() throws Exception {
        var notEnabled = run("agent", Sandbox.WORKSPACE, new byte[0], "terraform", "plan");
        assertThat(notEnabled.exit()).isEqualTo(127);
        assertThat(notEnabled.err()).isEqualTo("airlock: refused by the config layer: unknown command 'terraform': not enabled in config.toml [commands] enable\n");

        var notInProfile = run("narrow", Sandbox.WORKSPACE + "/repo", new byte[0], "git", "status");
        assertThat(notInProfile.exit()).isEqualTo(126);
        assertThat(notInProfile.err()).isEqualTo("airlock: refused by the profile layer: profile 'narrow' does not allow 'git'\n");

        var rule = run("agent", Sandbox.WORKSPACE, new byte[0], "fake", "forbidden");
        assertThat(rule.exit()).isEqualTo(126);
        assertThat(rule.err()).startsWith("airlock: refused by the module layer (rule \"forbidden\")");

        var outside = run("agent", "/tmp", new byte[0], "fake", "hello");
        assertThat(outside.exit()).isEqualTo(126);
        assertThat(outside.err()).isEqualTo("airlock: refused by the mounts layer: working directory /tmp is outside the profile's [mounts]\n");

        for (var r : List.of(notEnabled, notInProfile, rule, outside)) assertThat(r.out()).isEmpty();
        assertThat(bench.fakeRuns()).as("nothing ran").isEmpty();
    }

    @Test
    void noHostCredentialIsVisibleInside() throws Exception {
        var r = run("agent", Sandbox.WORKSPACE, new byte[0], "/bin/sh", "-c",
                "env; ls -a $HOME; ls " + bench.hostHome + " 2>&1; "
                        + "grep -rl " + Workbench.SECRET + " / --exclude-dir=proc --exclude-dir=sys --exclude-dir=usr --exclude-dir=dev 2>/dev/null; true");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain(Workbench.SECRET).doesNotContain("AWS_SECRET_ACCESS_KEY").doesNotContain("GITHUB_TOKEN")
                .contains("No such file or directory");
        // ...while the tool on the host does get the host's HOME
        var env = run("agent", Sandbox.WORKSPACE, new byte[0], "fake", "env");
        assertThat(env.out()).contains("HOME=" + bench.hostHome).doesNotContain(Workbench.SECRET);
    }

    /** python3 in the container runs the agent's script on the host, in airlock's sandbox (docs/sandbox.md). */
    @Test
    void aPythonScriptRunsOnTheHostInTheSandbox() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(airlock.daemon.sandbox.Bubblewrap.probe(bench.daemonEnv().get("PATH"))
                instanceof airlock.daemon.sandbox.Bubblewrap.Availability.Ready, "bubblewrap cannot make airlock's sandbox here");
        Files.writeString(bench.workspace.resolve("script.py"), """
                import os, sys
                data = sys.stdin.read()
                try:
                    key = open(os.path.join(os.environ["HOME"], ".ssh/id_ed25519")).read()
                except OSError as e:
                    key = "hidden: " + type(e).__name__
                print("args", sys.argv[1:], "stdin", data.strip(), "cwd", os.getcwd())
                print(key)
                sys.exit(3)
                """);
        var r = run("agent", Sandbox.WORKSPACE, "from the agent\n".getBytes(), "python3", "script.py", "one", "two");
        assertThat(r.err()).doesNotContain("airlock:");
        assertThat(r.exit()).as(r.err()).isEqualTo(3);
        assertThat(r.out()).isEqualTo("args ['one', 'two'] stdin from the agent cwd " + bench.workspace + "\nhidden: FileNotFoundError\n");
        assertThat(r.out() + r.err()).doesNotContain(Workbench.SECRET);
        SessionRecord record = awaitRecordOf("script.py");
        assertThat(record.outcome()).isInstanceOf(SessionRecord.Outcome.Ran.class);
    }

    SessionRecord awaitRecordOf(String firstArg) throws InterruptedException {
        return awaitRecord(r -> !r.args().isEmpty() && r.args().getFirst().equals(firstArg));
    }

    SessionRecord awaitRecord(java.util.function.Predicate<airlock.protocol.Request> matching) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            for (SessionRecord r : bench.records) {
                if (r.request().isPresent() && matching.test(r.request().get())) return r;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no such session record among " + bench.records.size());
    }

    static String awaitFile(Path p) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!Files.exists(p)) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError(p + " never appeared");
            Thread.sleep(20);
        }
        return Files.readString(p);
    }

    /** Gone means no longer running: exited, or a zombie waiting for its (re)parent to reap it. */
    static boolean gone(long pid, long withinMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + Math.max(withinMs, 0);
        while (true) {
            if (!running(pid)) return true;
            if (System.currentTimeMillis() > deadline) return false;
            Thread.sleep(20);
        }
    }

    static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }
}
