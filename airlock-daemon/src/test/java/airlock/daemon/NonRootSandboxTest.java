package airlock.daemon;

import airlock.daemon.sandbox.Bubblewrap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 21, "as a normal user where the behaviour differs": the sandbox as a daemon that is not
 * root makes it. From a root test (as CI runs), each run is a JVM of its own started by setpriv as
 * uid {@link SandboxBox#PERSON} (no capabilities, no supplementary groups), running ToolRun and the
 * real SandboxLauncher, bubblewrap, pasta and iptables ({@link NonRootSandbox}). The classes it
 * needs are copied where that user may read them (root's Maven repository is not).
 */
class NonRootSandboxTest {
    static Path classes;
    static String tunMode;

    @BeforeAll
    static void asANormalUser() throws Exception {
        assumeTrue(SandboxBox.isRoot(), "starting the daemon's sandbox as another user needs root (CI runs as root)");
        assumeTrue(Bubblewrap.probe("/usr/bin:/bin") instanceof Bubblewrap.Availability.Ready, "bubblewrap unavailable");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv (util-linux) missing");
        classes = Files.createTempDirectory(Path.of("/tmp"), "airlock-nonroot-cp-");
        Files.setPosixFilePermissions(classes, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> copied = new ArrayList<>();
        int i = 0;
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path from = Path.of(e);
            if (!Files.exists(from)) continue;
            Path to = classes.resolve(i++ + "-" + from.getFileName());
            run(List.of("cp", "-r", from.toString(), to.toString()));
            copied.add(to.toString());
        }
        run(List.of("chmod", "-R", "a+rX", classes.toString()));
        Files.writeString(classes.resolve("cp"), String.join(File.pathSeparator, copied));
        // Debian's mode for the tap device is 0666; a host that keeps it to root (this test machine's
        // container) is given Debian's for the test and put back after
        tunMode = Files.getPosixFilePermissions(Path.of("/dev/net/tun")).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE)
                ? null : "0" + Integer.toOctalString(mode(Path.of("/dev/net/tun")));
        if (tunMode != null) run(List.of("chmod", "0666", "/dev/net/tun"));
    }

    @AfterAll
    static void putBack() throws Exception {
        if (tunMode != null) run(List.of("chmod", tunMode, "/dev/net/tun"));
        if (classes != null) run(List.of("rm", "-rf", classes.toString()));
    }

    private static int mode(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:mode") & 07777;
    }

    private static String run(List<String> argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new AssertionError(argv + ": " + out);
        return out;
    }

    /** What a user daemon's run gave back, and the workspace's out.txt after it. */
    record Result(SandboxBox.Run run, String written) {}

    /** One run by a daemon that is uid PERSON: a fresh SandboxBox (home, workspace, config) of that user's. */
    static SandboxBox.Run asUser(String sandbox, String script, String... args) throws Exception {
        return holding(null, sandbox, script, args).run();
    }

    /** @param secret the run holds this secret (the file scan redacts it), null for none */
    static Result holding(String secret, String sandbox, String script, String... args) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "airlock-nonroot-");
        try {
            run(List.of("chown", SandboxBox.PERSON + ":" + SandboxBox.PERSON, dir.toString()));
            List<String> argv = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + SandboxBox.PERSON, "--regid=" + SandboxBox.PERSON,
                    "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Djava.io.tmpdir=" + dir,
                    "-Dairlock.test.secret" + (secret == null ? ".none=" : "=" + secret),
                    "-cp", Files.readString(classes.resolve("cp")), NonRootSandbox.class.getName(), dir.toString(), sandbox, script));
            argv.addAll(List.of(args));
            Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            assertThat(p.waitFor()).as(String.join("\n", lines)).isZero();
            Base64.Decoder b = Base64.getDecoder();
            return new Result(new SandboxBox.Run(Integer.parseInt(lines.get(0)), 0, new String(b.decode(lines.get(2)), StandardCharsets.UTF_8),
                    new String(b.decode(lines.get(3)), StandardCharsets.UTF_8), lines.get(1)),
                    new String(b.decode(lines.get(4)), StandardCharsets.UTF_8));
        } finally {
            run(List.of("rm", "-rf", dir.toString()));
        }
    }

    /**
     * Issue 21.2 for a daemon that is not root: network = true was the host's network namespace,
     * loopback included. Now it is one the daemon holds (a user namespace of its own), with pasta:
     * the host's 127.0.0.1 is out of reach, an outside address is reached, and host_network = true
     * is still the host's own.
     */
    @Test
    void aUserDaemonsRunHasItsOwnNetworkWithoutTheHostsLoopback() throws Exception {
        try (HostAddress outside = HostAddress.add();
             ServerSocket loopback = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerSocket reachable = new ServerSocket(0, 50, outside.address)) {
            String lo = "127.0.0.1:" + loopback.getLocalPort();
            String out = outside.text() + ":" + reachable.getLocalPort();
            String script = SandboxProbes.CONNECT + """
                    import os
                    print("uid", os.getuid())
                    print("netns", os.readlink("/proc/self/ns/net"))
                    """;
            SandboxBox.Run own = asUser("network = true\nwritable = false\n", script, lo, out);
            assertThat(own.status()).as(own.err()).isZero();
            assertThat(own.out()).contains("REFUSED " + lo).contains("CONNECTED " + out).contains("uid " + SandboxBox.PERSON)
                    .doesNotContain("netns " + Files.readSymbolicLink(Path.of("/proc/self/ns/net")));

            SandboxBox.Run host = asUser("host_network = true\nwritable = false\n", script, lo);
            assertThat(host.out()).as(host.err()).contains("CONNECTED " + lo);
        }
        // the holder and pasta end with the run
        assertThat(pastaFor(SandboxBox.PERSON)).isEmpty();
    }

    /**
     * The whole daemon as a normal user, as a person runs it without root: {@code airlock start}
     * and the shim each a process of uid PERSON (no capabilities), a module with [sandbox]
     * network = true, the script sent through the real shim on the profile's socket. The run has
     * a network of its own: the host's 127.0.0.1 is refused, an outside address is reached.
     */
    @Test
    void aUserDaemonStartedByThatUserServesItsShimARunWithItsOwnNetwork() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "airlock-nonroot-daemon-");
        Process daemon = null;
        try (HostAddress outside = HostAddress.add();
             ServerSocket loopback = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerSocket reachable = new ServerSocket(0, 50, outside.address)) {
            Path config = dir.resolve("config"), work = dir.resolve("work"), home = dir.resolve("home");
            Files.createDirectories(config.resolve("commands"));
            Files.createDirectories(config.resolve("profiles"));
            Files.createDirectories(work);
            Files.createDirectories(home);
            Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"netcheck\"]\n");
            Files.writeString(config.resolve("commands/netcheck.toml"), "[command]\nbin = \"/usr/bin/python3\"\n[deny]\nargs = []\n"
                    + "[sandbox]\nnetwork = true\nwritable = false\n");
            Files.writeString(config.resolve("profiles/default.toml"), "commands = []\n[mounts]\n\"" + work + "\" = \"" + work + "\"\n");
            Files.writeString(work.resolve("check.py"), SandboxProbes.CONNECT + "import os\nprint('uid', os.getuid())\n");
            daemon = startAsPerson(dir, config, home);
            Path socket = config.resolve("sockets/default.sock");

            String lo = "127.0.0.1:" + loopback.getLocalPort();
            String out = outside.text() + ":" + reachable.getLocalPort();
            ProcessBuilder shim = asPerson(dir, home, List.of("-Dairlock.argv0=/usr/local/bin/netcheck", "airlock.shim.Shim", "check.py", lo, out));
            shim.environment().put("AIRLOCK_SOCKET", socket.toString());
            Process call = shim.directory(work.toFile()).start();
            String stdout = new String(call.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String stderr = new String(call.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(call.waitFor()).as(stdout + stderr + Files.readString(dir.resolve("daemon.log"))).isZero();
            assertThat(stdout).contains("REFUSED " + lo).contains("CONNECTED " + out).contains("uid " + SandboxBox.PERSON);
            // the daemon really was that user's, and recorded the run
            assertThat((Integer) Files.getAttribute(config.resolve("audit/audit.ndjson"), "unix:uid")).isEqualTo(SandboxBox.PERSON);
            assertThat(Files.readString(config.resolve("audit/audit.ndjson"))).contains("\"command\":\"netcheck\"").contains("\"verdict\":\"allowed\"");
        } finally {
            if (daemon != null) {
                daemon.destroy();
                daemon.waitFor();
            }
            run(List.of("rm", "-rf", dir.toString()));
        }
        assertThat(pastaFor(SandboxBox.PERSON)).isEmpty();
    }

    /**
     * Gives {@code dir} to the unprivileged person and starts {@code airlock start} as them; returns
     * once the default profile's socket exists (the daemon's log in {@code dir/daemon.log} says why not).
     */
    private static Process startAsPerson(Path dir, Path config, Path home) throws Exception {
        run(List.of("chown", "-R", SandboxBox.PERSON + ":" + SandboxBox.PERSON, dir.toString()));
        run(List.of("chmod", "700", config.toString()));
        ProcessBuilder start = asPerson(dir, home, List.of("--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
                "airlock.cli.Airlock", "start", "--config", config.toString()));
        Process daemon = start.redirectErrorStream(true).redirectOutput(dir.resolve("daemon.log").toFile()).start();
        Path socket = config.resolve("sockets/default.sock");
        for (int i = 0; i < 300 && !Files.exists(socket) && daemon.isAlive(); i++) Thread.sleep(100);
        if (!Files.exists(socket)) {
            daemon.destroy();
            daemon.waitFor();
        }
        assertThat(socket).as(Files.exists(dir.resolve("daemon.log")) ? Files.readString(dir.resolve("daemon.log")) : "").exists();
        return daemon;
    }

    /**
     * Issue 25 under a daemon that is not root: a sandboxed script pauses for its answer (the
     * channel's directory is that user's, bound into a sandbox made without privileges), the
     * shim's call exits 75 with the prompt, and {@code airlock respond} finishes the run.
     */
    @Test
    void aUserDaemonsScriptPausesAndIsAnsweredThroughTheShim() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "airlock-nonroot-pause-");
        Process daemon = null;
        try {
            Path config = dir.resolve("config"), work = dir.resolve("work"), home = dir.resolve("home");
            Files.createDirectories(config.resolve("profiles"));
            Files.createDirectories(work);
            Files.createDirectories(home);
            Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"python3\"]\n");
            Files.writeString(config.resolve("profiles/default.toml"), "commands = []\n[mounts]\n\"" + work + "\" = \"" + work + "\"\n");
            Files.writeString(work.resolve("ask.py"), "import os\nfrom airlock import llm\nprint('uid', os.getuid(), flush=True)\n"
                    + "print('answer:', llm.complete('six times seven?'))\n");
            daemon = startAsPerson(dir, config, home);
            Path socket = config.resolve("sockets/default.sock");

            ProcessBuilder shim = asPerson(dir, home, List.of("-Dairlock.argv0=/usr/local/bin/python3", "airlock.shim.Shim", "ask.py"));
            shim.environment().put("AIRLOCK_SOCKET", socket.toString());
            Process call = shim.directory(work.toFile()).start();
            String stdout = new String(call.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String stderr = new String(call.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(call.waitFor()).as(stdout + stderr + Files.readString(dir.resolve("daemon.log"))).isEqualTo(75);
            assertThat(stdout).isEqualTo("uid " + SandboxBox.PERSON + "\n");
            java.util.regex.Matcher id = java.util.regex.Pattern.compile("airlock: run (run_[0-9a-f]+) is waiting").matcher(stderr);
            assertThat(id.find()).as(stderr).isTrue();
            assertThat(stderr).contains("--- prompt ---\nsix times seven?\n--- end of prompt ---\n");

            ProcessBuilder respond = asPerson(dir, home, List.of("-Dairlock.argv0=/usr/local/bin/airlock", "airlock.shim.Shim", "respond", id.group(1)));
            respond.environment().put("AIRLOCK_SOCKET", socket.toString());
            Process answer = respond.directory(work.toFile()).start();
            answer.getOutputStream().write("42".getBytes(StandardCharsets.UTF_8));
            answer.getOutputStream().close();
            String out = new String(answer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(answer.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer.waitFor()).as(out + err).isZero();
            assertThat(out).isEqualTo("answer: 42\n");
        } finally {
            if (daemon != null) {
                daemon.destroy();
                daemon.waitFor();
            }
            run(List.of("rm", "-rf", dir.toString()));
        }
    }

    /** A JVM of uid PERSON on the copied class path: {@code javaArgs} are its options, then its main class and arguments. */
    private static ProcessBuilder asPerson(Path dir, Path home, List<String> javaArgs) throws Exception {
        List<String> argv = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + SandboxBox.PERSON, "--regid=" + SandboxBox.PERSON,
                "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Djava.io.tmpdir=" + dir,
                "-cp", Files.readString(classes.resolve("cp"))));
        argv.addAll(javaArgs);
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().clear();
        pb.environment().putAll(java.util.Map.of("PATH", "/usr/bin:/bin", "HOME", home.toString(), "LC_ALL", "C.UTF-8"));
        return pb;
    }

    /**
     * The layers together under a user daemon: a writable run holding a secret (its private write
     * layer, an overlay in a user namespace of its own) inside the network namespace the daemon
     * holds. The run reaches the outside address, and what it wrote reaches the workspace scanned.
     */
    @Test
    void aUserDaemonsWritableRunWithASecretAndTheNetworkHasBoth() throws Exception {
        String secret = "CANARY-NONROOT-NET-" + java.util.UUID.randomUUID();
        try (HostAddress outside = HostAddress.add();
             ServerSocket reachable = new ServerSocket(0, 50, outside.address)) {
            String out = outside.text() + ":" + reachable.getLocalPort();
            String script = SandboxProbes.CONNECT + "open('out.txt', 'w').write('key=" + secret + "')\n";
            Result r = holding(secret, "network = true\nwritable = true\n", script, out);
            assertThat(r.run().status()).as(r.run().err()).isZero();
            assertThat(r.run().out()).contains("CONNECTED " + out);
            assertThat(r.written()).isEqualTo("key=[airlock:redacted T]");
            assertThat(r.run().out() + r.run().err()).doesNotContain(secret);
        }
    }

    /** network_allow under a daemon that is not root: the same firewall, set in the namespace the daemon holds. */
    @Test
    void aUserDaemonsAllowlistLetsOutOnlyItsDestinations() throws Exception {
        try (HostAddress host = HostAddress.add();
             ServerSocket allowed = new ServerSocket(0, 50, host.address);
             ServerSocket other = new ServerSocket(0, 50, host.address)) {
            String yes = host.text() + ":" + allowed.getLocalPort();
            String no = host.text() + ":" + other.getLocalPort();
            SandboxBox.Run r = asUser("network = true\nwritable = false\nnetwork_allow = [\"" + yes + "\"]\n", SandboxProbes.CONNECT, yes, no);
            assertThat(r.status()).as(r.err()).isZero();
            assertThat(r.out()).contains("CONNECTED " + yes).contains("REFUSED " + no + " ConnectionRefusedError");
        }
    }

    /**
     * What differs without root: no per-run cgroup (none delegated to this user), so memory_mb is
     * RLIMIT_AS and the sized tmpfs, and processes is RLIMIT_NPROC in the run's user namespace
     * (docs/sandbox.md). The run goes ahead with them, and the process limit holds: forks past it fail.
     */
    @Test
    void aUserDaemonWithoutACgroupStillHoldsTheProcessLimitAndRuns() throws Exception {
        String script = """
                import os, subprocess
                procs, failed = [], 0
                for i in range(40):
                    try:
                        procs.append(subprocess.Popen(["/bin/sleep", "5"]))
                    except OSError as e:
                        failed += 1
                print("started", len(procs), "failed", failed)
                print("cgroup", open("/proc/self/cgroup").read().strip())
                for p in procs: p.kill()
                """;
        SandboxBox.Run r = asUser("memory_mb = 512\nprocesses = 16\nwritable = false\n", script);
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("Exception");
        assertThat(r.out()).containsPattern("started 1[0-6] failed 2[4-9]|started [0-9] failed 3[0-9]");
    }

    private static List<Long> pastaFor(int uid) {
        return ProcessHandle.allProcesses().filter(p -> p.info().command().orElse("").endsWith("/pasta"))
                .filter(p -> {
                    try {
                        return (Integer) Files.getAttribute(Path.of("/proc", Long.toString(p.pid())), "unix:uid") == uid;
                    } catch (Exception e) {
                        return false;
                    }
                }).map(ProcessHandle::pid).toList();
    }

}
