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
import java.nio.charset.StandardCharsets;
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
        assertThat(outside.err()).startsWith("airlock: refused by the mounts layer: working directory /tmp is outside the profile's [mounts];"
                + " the mounted folders are /").contains("/workspace").endsWith(": work in one of them or below\n");

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

    /**
     * Issue 21.1 through the shim: the agent's python3 script, run by a root daemon in airlock's
     * sandbox, is not the host's root (its uid maps to a host uid other than 0) and cannot open the
     * kernel's settings for writing. Opening only: nothing is ever written to the kernel.
     */
    @Test
    void aSandboxedScriptIsNeverTheHostsRootNorWritesTheKernelsSettings() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(airlock.daemon.sandbox.Bubblewrap.probe(bench.daemonEnv().get("PATH"))
                instanceof airlock.daemon.sandbox.Bubblewrap.Availability.Ready, "bubblewrap cannot make airlock's sandbox here");
        Files.writeString(bench.workspace.resolve("kernel.py"), airlock.daemon.SandboxProbes.KERNEL_WRITES);
        var r = run("agent", Sandbox.WORKSPACE, new byte[0], "python3", "kernel.py");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("opened for writing []\n").doesNotContain("host uid 0\n").doesNotContain("host uid None");
    }

    /**
     * Issue 20.4 through the shim: a person's own script outside /usr (a tool under /opt, here
     * under the bench's root) runs sandboxed with its interpreter; it was refused as "a version
     * manager's shim". Nothing else of its folder is visible inside.
     */
    @Test
    void aPersonsOwnScriptOutsideUsrRunsSandboxedThroughTheShim() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(airlock.daemon.sandbox.Bubblewrap.probe(bench.daemonEnv().get("PATH"))
                instanceof airlock.daemon.sandbox.Bubblewrap.Availability.Ready, "bubblewrap cannot make airlock's sandbox here");
        Path bin = Files.createDirectories(bench.root.resolve("opt/report/bin"));
        Files.writeString(bin.getParent().resolve("NEIGHBOUR"), "CANARY-NEIGHBOUR-81c2");
        Path script = bin.resolve("report.sh");
        Files.writeString(script, "#!/bin/sh\necho \"report: $1\"; cat " + bin.getParent().resolve("NEIGHBOUR") + " 2>/dev/null; exit 0\n");
        script.toFile().setExecutable(true, false);
        Path module = bench.config.resolve("commands/report.toml");
        Path configToml = bench.config.resolve("config.toml");
        String config = Files.readString(configToml);
        Files.writeString(module, """
                [command]
                bin = "%s"
                [deny]
                args = []
                [sandbox]
                network = false
                writable = false
                """.formatted(script));
        Files.writeString(configToml, config.replace("\"printer\"]", "\"printer\", \"report\"]"));
        try {
            profile("reporter", """
                    commands = ["report"]
                    [mounts]
                    "/workspace" = "%s"
                    """.formatted(bench.workspace));
            var r = run("reporter", Sandbox.WORKSPACE, new byte[0], "report", "weekly");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo("report: weekly\n");
        } finally {
            Files.writeString(configToml, config);
            Files.deleteIfExists(module);
            Files.deleteIfExists(bench.config.resolve("profiles/reporter.toml"));
            bench.daemon.reloader().reload();
        }
    }

    /**
     * Issue 21.7's allowlist through the shim: a module (a python3 made for one API) with
     * network = true and network_allow; the agent's script reaches the listed destination and is
     * refused the other port of the same host, and the host's 127.0.0.1.
     */
    @Test
    void aScriptWithANetworkAllowlistReachesOnlyItsDestinationsThroughTheShim() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(airlock.daemon.sandbox.Bubblewrap.probe(bench.daemonEnv().get("PATH"))
                instanceof airlock.daemon.sandbox.Bubblewrap.Availability.Ready, "bubblewrap cannot make airlock's sandbox here");
        org.junit.jupiter.api.Assumptions.assumeTrue((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0,
                "adding a host address for the listeners needs root");
        Files.writeString(bench.workspace.resolve("connect.py"), airlock.daemon.SandboxProbes.CONNECT);
        Path module = bench.config.resolve("commands/apipy.toml");
        Path configToml = bench.config.resolve("config.toml");
        String config = Files.readString(configToml);
        try (airlock.daemon.HostAddress host = airlock.daemon.HostAddress.add();
             java.net.ServerSocket allowed = new java.net.ServerSocket(0, 50, host.address);
             java.net.ServerSocket other = new java.net.ServerSocket(0, 50, host.address)) {
            String yes = host.text() + ":" + allowed.getLocalPort();
            String no = host.text() + ":" + other.getLocalPort();
            Files.writeString(module, """
                    [command]
                    bin = "/usr/bin/python3"
                    [deny]
                    args = []
                    [sandbox]
                    network = true
                    network_allow = ["%s"]
                    writable = false
                    """.formatted(yes));
            Files.writeString(configToml, config.replace("\"printer\"]", "\"printer\", \"apipy\"]"));
            profile("caller", """
                    commands = ["apipy"]
                    [mounts]
                    "/workspace" = "%s"
                    """.formatted(bench.workspace));
            var r = run("caller", Sandbox.WORKSPACE, new byte[0], "apipy", "connect.py", yes, no, "127.0.0.1:" + other.getLocalPort());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("CONNECTED " + yes).contains("REFUSED " + no + " ConnectionRefusedError")
                    .contains("REFUSED 127.0.0.1:" + other.getLocalPort());
        } finally {
            Files.writeString(configToml, config);
            Files.deleteIfExists(module);
            Files.deleteIfExists(bench.config.resolve("profiles/caller.toml"));
            bench.daemon.reloader().reload();
        }
    }

    /**
     * Issue 14 in the sandbox: a secret set in the vault, granted to one tool for one run. The tool
     * prints it raw and in base64 on both streams; the agent gets only markers, the audit record
     * counts them, and the value is nowhere in the agent's view (its environment and files).
     */
    @Test
    void aVaultSecretGrantedToOneToolReachesTheAgentAsMarkersOnly() throws Exception {
        String canary = "vault-canary-5d2e81b7c4a9";
        vault().set("deploy_token", canary.getBytes(StandardCharsets.UTF_8), "deploys staging");
        profile("vaulted", """
                commands = ["printer", "fake"]
                [secrets.printer]
                env = { TOKEN = "deploy_token" }
                [mounts]
                "/workspace" = "%s"
                """.formatted(bench.workspace));
        var r = ShimRunner.run(sandbox.command(bench.socket("vaulted"), Sandbox.WORKSPACE, List.of("/bin/sh", "-c",
                "printer </dev/null; echo '--- view'; " + VIEW), Map.of(), "airlock-vault-" + (++runs)), forms(canary));
        assertThat(r.exit()).as(r.err()).isZero();
        String mark = "[airlock:redacted deploy_token]";
        assertThat(r.out()).startsWith("length " + canary.length() + "\n" + mark + "\n" + mark + "\n--- view\n")
                .endsWith(FOUND_ONLY_THE_CONTROL);
        assertThat(r.err()).isEqualTo(mark + "\n");
        assertNowhere(canary, r.out() + r.err());

        SessionRecord record = awaitRecord("vaulted", "printer");
        assertThat(record.report().injected()).containsExactly("deploy_token");
        assertThat(record.report().redactions()).containsExactly(Map.entry("deploy_token", 3L));
        // granted to printer only: another tool of the same profile gets no TOKEN
        var other = run("vaulted", Sandbox.WORKSPACE, new byte[0], "fake", "env");
        assertThat(other.exit()).as(other.err()).isZero();
        assertThat(other.out()).doesNotContain("TOKEN=");
        assertNowhereOnTheHostsRecords(canary, "\"redactions\":{\"deploy_token\":3}");
        // what the person on the host reads
        Process show = new ProcessBuilder(airlock.cli.AirlockProcess.command("log", "--config", bench.config.toString()))
                .redirectErrorStream(true).start();
        String shown = new String(show.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(show.waitFor()).as(shown).isZero();
        assertThat(shown).contains("redacted deploy_token x3");
        assertNowhere(canary, shown);
    }

    /**
     * Issue 15 in the sandbox, with the real vault: the agent reads its skill, asks for a secret; a
     * person sets it with {@code airlock secret set} (stdin) and grants it in the profile; the
     * agent sees it set and a tool using it answers with markers.
     */
    @Test
    void theAgentOnboardsItselfAPersonSetsAndGrantsTheSecretAndTheAgentUsesIt() throws Exception {
        String canary = "onboard-canary-3e7f19c2d8";
        String ungranted = """
                commands = ["printer"]
                [mounts]
                "/workspace" = "%s"
                """.formatted(bench.workspace);
        profile("onboard", ungranted);
        var skill = run("onboard", Sandbox.WORKSPACE, new byte[0], "airlock", "skill");
        assertThat(skill.exit()).as(skill.err()).isZero();
        assertThat(skill.out()).contains("# airlock: profile onboard").contains("### printer").contains("`/workspace` and below")
                .contains("No secret is granted to this profile.").contains("airlock secrets request");

        var ask = run("onboard", Sandbox.WORKSPACE, new byte[0], "airlock", "secrets", "request", "STAGING_TOKEN",
                "--description", "deploy to staging");
        assertThat(ask.exit()).as(ask.err()).isZero();
        assertThat(vault().entry("STAGING_TOKEN")).hasValueSatisfying(e -> {
            assertThat(e.requestedBy()).contains("onboard");
            assertThat(e.hasValue()).isFalse();
            assertThat(e.description()).isEqualTo("deploy to staging");
        });
        var before = run("onboard", Sandbox.WORKSPACE, new byte[0], "airlock", "secrets");
        assertThat(before.out()).contains("STAGING_TOKEN").contains("empty");

        // the person on the host: the value on stdin (never argv), then the grant in the profile
        Process set = new ProcessBuilder(airlock.cli.AirlockProcess.command("secret", "set", "STAGING_TOKEN", "--config", bench.config.toString()))
                .redirectErrorStream(true).start();
        set.getOutputStream().write((canary + "\n").getBytes(StandardCharsets.UTF_8));
        set.getOutputStream().close();
        String said = new String(set.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(set.waitFor()).as(said).isZero();
        assertThat(said).contains("airlock: secret STAGING_TOKEN").doesNotContain(canary);
        profile("onboard", ungranted + "[secrets.printer]\nenv = { TOKEN = \"STAGING_TOKEN\" }\n");

        var r = ShimRunner.run(sandbox.command(bench.socket("onboard"), Sandbox.WORKSPACE, List.of("/bin/sh", "-c",
                "airlock secrets </dev/null; echo '--- use'; printer </dev/null; echo '--- skill'; airlock skill </dev/null; echo '--- view'; " + VIEW),
                Map.of(), "airlock-onboard-" + (++runs)), forms(canary));
        assertThat(r.exit()).as(r.err()).isZero();
        String mark = "[airlock:redacted STAGING_TOKEN]";
        String secrets = r.out().substring(0, r.out().indexOf("--- use\n"));
        assertThat(secrets).contains("STAGING_TOKEN").contains("set").doesNotContain("empty");
        assertThat(r.out()).contains("--- use\nlength " + canary.length() + "\n" + mark + "\n" + mark + "\n--- skill\n")
                .contains("`STAGING_TOKEN`: set").endsWith(FOUND_ONLY_THE_CONTROL);
        assertThat(r.err()).isEqualTo(mark + "\n");
        assertNowhere(canary, r.out() + r.err());
        assertThat(awaitRecord("onboard", "printer").report().redactions()).containsExactly(Map.entry("STAGING_TOKEN", 3L));
        assertNowhereOnTheHostsRecords(canary, "\"redactions\":{\"STAGING_TOKEN\":3}");
    }

    /**
     * Issue 16 in the sandbox: the agent's python3 script, run on the host in airlock's sandbox by
     * the built-in python3 module, prints the secret the profile injects raw and in base64; the
     * agent gets markers.
     */
    @Test
    void aPythonScriptPrintingAnInjectedSecretGivesTheAgentMarkers() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(airlock.daemon.sandbox.Bubblewrap.probe(bench.daemonEnv().get("PATH"))
                instanceof airlock.daemon.sandbox.Bubblewrap.Availability.Ready, "bubblewrap cannot make airlock's sandbox here");
        String canary = "script-canary-8b41e6f0a7";
        vault().set("api_token", canary.getBytes(StandardCharsets.UTF_8), "the report API");
        profile("scripts", """
                commands = ["python3"]
                [secrets.python3]
                env = { API_TOKEN = "api_token" }
                [mounts]
                "/workspace" = "%s"
                """.formatted(bench.workspace));
        Files.writeString(bench.workspace.resolve("usage.py"), """
                import base64, os, sys
                token = os.environ["API_TOKEN"]
                print("length", len(token))
                print(token)
                print(base64.b64encode(token.encode()).decode())
                print("url-safe", base64.urlsafe_b64encode(b"x" + token.encode()).decode().rstrip("="))
                print(token, file=sys.stderr)
                """);
        var r = ShimRunner.run(sandbox.command(bench.socket("scripts"), Sandbox.WORKSPACE, List.of("/bin/sh", "-c",
                "python3 usage.py </dev/null; echo \"exit $?\"; echo '--- view'; " + VIEW), Map.of(), "airlock-script-" + (++runs)), forms(canary));
        assertThat(r.exit()).as(r.err()).isZero();
        String mark = "[airlock:redacted api_token]";
        assertThat(r.out()).startsWith("length " + canary.length() + "\n" + mark + "\n" + mark + "\nurl-safe ")
                .contains("exit 0\n--- view\n").endsWith(FOUND_ONLY_THE_CONTROL);
        assertThat(r.out().lines().filter(l -> l.startsWith("url-safe ")).findFirst().orElseThrow()).contains(mark);
        assertThat(r.err()).isEqualTo(mark + "\n");
        assertNowhere(canary, r.out() + r.err());
        SessionRecord record = awaitRecord("scripts", "usage.py");
        assertThat(record.report().injected()).containsExactly("api_token");
        assertThat(record.report().redactions()).containsExactly(Map.entry("api_token", 4L));
        assertNowhereOnTheHostsRecords(canary, "\"redactions\":{\"api_token\":4}");
    }

    /**
     * Issue 21 point 3, through the real shim: python3 ejected with {@code writable = true} and a
     * vault secret. The script writes the secret to a file in the workspace and sleeps; the agent,
     * in its own sandbox, reads the workspace meanwhile and finds nothing (the run writes to a
     * private layer); after the run the file is there with markers.
     */
    @Test
    void aWritableScriptsFileIsNotInTheAgentsWorkspaceUntilTheRunEndsAndThenHoldsMarkers() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(airlock.daemon.sandbox.Bubblewrap.probe(bench.daemonEnv().get("PATH"))
                instanceof airlock.daemon.sandbox.Bubblewrap.Availability.Ready, "bubblewrap cannot make airlock's sandbox here");
        String canary = "layer-canary-4c19d7e2b5";
        vault().set("layer_token", canary.getBytes(StandardCharsets.UTF_8), "the report API");
        Path ejected = bench.config.resolve("commands/python3.toml");
        Files.writeString(ejected, airlock.daemon.ConfigDirectory.BuiltinModules.text("python3").orElseThrow()
                .replace("writable = false", "writable = true"));
        // a person's folder: under a root daemon a writable run becomes the folder's owner (a run in a
        // folder root owns is refused: it would be nobody, who can write nothing there)
        Path folder = Files.createDirectories(bench.workspace.resolve("writer"));
        if (Workbench.isRoot()) {
            Files.setAttribute(folder, "unix:uid", 1000);
            Files.setAttribute(folder, "unix:gid", 1000);
        }
        try {
            profile("writer", """
                    commands = ["python3"]
                    [secrets.python3]
                    env = { API_TOKEN = "layer_token" }
                    [mounts]
                    "/workspace/writer" = "%s"
                    """.formatted(folder));
            Files.writeString(folder.resolve("leak.py"), """
                    import os, time
                    open("leaked.txt", "w").write(os.environ["API_TOKEN"] + "\\n")
                    print("written", flush=True)
                    time.sleep(3)
                    """);
            // the agent: the script in the background; once it said "written", cat the file and
            // search the workspace for the canary's forms; then wait for the run and look again
            String agent = "python3 leak.py </dev/null >/tmp/run.out 2>&1 & "
                    + "i=0; until grep -q written /tmp/run.out || [ $i -ge 300 ]; do sleep 0.05; i=$((i+1)); done; "
                    + "echo '--- during'; cat /tmp/run.out; cat leaked.txt 2>&1; grep -rlF -f /dev/stdin . 2>/dev/null; "
                    + "wait; echo '--- after'; cat leaked.txt";
            var r = ShimRunner.run(sandbox.command(bench.socket("writer"), Sandbox.WORKSPACE + "/writer", List.of("/bin/sh", "-c", agent),
                    Map.of(), "airlock-layer-" + (++runs)), forms(canary));
            assertThat(r.exit()).as(r.err()).isZero();
            String mark = "[airlock:redacted layer_token]";
            assertThat(r.out()).startsWith("--- during\nwritten\n").contains("leaked.txt: No such file or directory")
                    .endsWith("--- after\n" + mark + "\n");
            assertNowhere(canary, r.out() + r.err());
            assertThat(folder.resolve("leaked.txt")).hasContent(mark + "\n");
        } finally {
            Files.deleteIfExists(ejected);
            Files.deleteIfExists(folder.resolve("leaked.txt"));
            Files.deleteIfExists(folder.resolve("leak.py"));
            Files.deleteIfExists(folder);
            bench.daemon.reloader().reload();
        }
    }

    /**
     * The agent's view after a run, from inside: its environment, then every file (outside the
     * host's read-only /usr and the kernel's trees) holding one of the patterns read from stdin,
     * so the canary itself is never on the sandbox's command line or in its environment. A control
     * file written first must be found: a grep that reads no patterns would find nothing either.
     */
    static final String VIEW = "echo airlock-view-control > /tmp/view-control; env; echo '--- found'; "
            + "grep -rlF -f /dev/stdin / --exclude-dir=proc --exclude-dir=sys --exclude-dir=usr --exclude-dir=dev 2>/dev/null; "
            + "echo '--- end'";

    static final String FOUND_ONLY_THE_CONTROL = "--- found\n/tmp/view-control\n--- end\n";

    /** The canary as grep patterns: raw, base64, hex; and the control. */
    static byte[] forms(String canary) {
        byte[] v = canary.getBytes(StandardCharsets.UTF_8);
        return ("airlock-view-control\n" + canary + "\n" + java.util.Base64.getEncoder().encodeToString(v) + "\n" + HexFormat.of().formatHex(v) + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    static void assertNowhere(String canary, String text) {
        byte[] v = canary.getBytes(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain(canary).doesNotContain(canary.substring(0, canary.length() - 4))
                .doesNotContain(java.util.Base64.getEncoder().encodeToString(v).substring(0, 16))
                .doesNotContain(HexFormat.of().formatHex(v).substring(0, 16));
    }

    /** The audit log holds the count (and never the value); the daemon's own log never the value. */
    void assertNowhereOnTheHostsRecords(String canary, String count) throws Exception {
        Path audit = new airlock.daemon.ConfigDirectory(bench.config).auditDir().resolve("audit.ndjson");
        long deadline = System.currentTimeMillis() + 10_000;
        while (!Files.readString(audit).contains(count) && System.currentTimeMillis() < deadline) Thread.sleep(50);
        assertThat(Files.readString(audit)).contains(count);
        assertNowhere(canary, Files.readString(audit));
        assertNowhere(canary, bench.log.toString(StandardCharsets.UTF_8));
    }

    airlock.daemon.vault.Vault vault() {
        return airlock.daemon.vault.Vault.at(new airlock.daemon.ConfigDirectory(bench.config).vaultDir());
    }

    /** Writes profiles/NAME.toml and makes it the running configuration, its socket open. */
    void profile(String name, String toml) throws IOException {
        Files.writeString(bench.config.resolve("profiles/" + name + ".toml"), toml);
        assertThat(bench.daemon.reloader().reload()).as(bench.log.toString()).isTrue();
        assertThat(bench.socket(name)).exists();
    }

    SessionRecord awaitRecord(String profile, String firstArgOrCommand) throws InterruptedException {
        return awaitRecord(profile, r -> r.command().equals(firstArgOrCommand)
                || !r.args().isEmpty() && r.args().getFirst().equals(firstArgOrCommand));
    }

    SessionRecord awaitRecord(String profile, java.util.function.Predicate<airlock.daemon.core.AgentRequest> matching) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            for (SessionRecord r : bench.records) {
                if (r.profile().equals(profile) && r.request().isPresent() && matching.test(r.request().get())) return r;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no session record of profile " + profile + " among " + bench.records.size());
    }

    SessionRecord awaitRecordOf(String firstArg) throws InterruptedException {
        return awaitRecord(r -> !r.args().isEmpty() && r.args().getFirst().equals(firstArg));
    }

    SessionRecord awaitRecord(java.util.function.Predicate<airlock.daemon.core.AgentRequest> matching) throws InterruptedException {
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
