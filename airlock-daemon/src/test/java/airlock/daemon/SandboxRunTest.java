package airlock.daemon;

import airlock.daemon.sandbox.Bubblewrap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * [sandbox] with the real bubblewrap and real processes: each wall named in docs/sandbox.md is
 * tried by a script that would print a canary if it got through.
 */
class SandboxRunTest {
    @TempDir Path tmp;
    SandboxBox box;

    @BeforeAll
    static void bubblewrapWorksHere() {
        // CI installs bubblewrap; without it every test here would only show the refusal
        assumeTrue(Bubblewrap.probe("/usr/bin:/bin") instanceof Bubblewrap.Availability.Ready, "bubblewrap unavailable");
    }

    @BeforeEach
    void setUp() throws Exception {
        box = new SandboxBox(tmp);
    }

    private static final String READ = """
            import sys
            for p in sys.argv[1:]:
                try:
                    print(p, open(p).read())
                except Exception as e:
                    print(p, "DENIED", type(e).__name__)
            """;

    @Test
    void homeFilesNotListedConfigSocketsAndVaultCannotBeRead() throws Exception {
        SandboxBox.Run r = box.python("read = [\"~/.ssh/id_listed\"]\n", READ,
                box.home.resolve(".unlisted").toString(), box.home.resolve(".ssh/id_listed").toString(),
                box.config.resolve("vault").toString(), box.config.resolve("sockets/default.sock").toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("listed-key-ok")
                .doesNotContain("CANARY-HOME").doesNotContain("CANARY-VAULT").doesNotContain("CANARY-SOCKET");
        assertThat(r.out().lines().filter(l -> l.contains("DENIED")).count()).isEqualTo(3);
    }

    /** Root owns /etc/shadow and the host keys: without the covers a root daemon's sandbox reads them. */
    @Test
    void theSystemsPrivateFilesAreEmptyInsideAndItsPublicOnesAreThere() throws Exception {
        String script = """
                import os, sys
                for p in sys.argv[1:]:
                    try:
                        print(p, len(open(p, "rb").read()), "bytes")
                    except Exception as e:
                        print(p, "DENIED", type(e).__name__)
                print("/etc/ssl/private", "LISTED", len(os.listdir("/etc/ssl/private")) if os.path.isdir("/etc/ssl/private") else "none")
                """;
        List<String> private_ = new java.util.ArrayList<>(List.of("/etc/shadow", "/etc/gshadow"));
        try (var keys = Files.newDirectoryStream(Path.of("/etc/ssh"), "ssh_host_*_key")) {
            keys.forEach(k -> private_.add(k.toString()));
        } catch (java.nio.file.NoSuchFileException e) {
            // no sshd on this host
        }
        List<String> args = new java.util.ArrayList<>(private_);
        args.add("/etc/passwd");
        SandboxBox.Run r = box.python("", script, args.toArray(String[]::new));
        assertThat(r.status()).as(r.err()).isZero();
        for (String p : private_) {
            assertThat(r.out()).as(p).containsAnyOf(p + " 0 bytes", p + " DENIED");
        }
        assertThat(r.out()).contains("/etc/ssl/private LISTED").doesNotContain("/etc/passwd 0 bytes").doesNotContain("/etc/passwd DENIED");
        assertThat(r.out().lines().filter(l -> l.startsWith("/etc/ssl/private LISTED")).findFirst().orElseThrow())
                .matches("/etc/ssl/private LISTED (0|none)");
    }

    @Test
    void theSameScriptWithoutSandboxReadsEverything() throws Exception {
        // the canaries above are readable: the sandbox, not the file system, hid them
        SandboxBox.Run r = box.run(box.module("/usr/bin/python3", null), List.of("/usr/bin/python3",
                box.script("read.py", READ).toString(), box.home.resolve(".unlisted").toString(), box.config.resolve("vault").toString()), new byte[0]);
        assertThat(r.out()).contains("CANARY-HOME-0c4d").contains("CANARY-VAULT-7f3a");
        assertThat(r.limit()).isEmpty();
    }

    @Test
    void nothingOutsideTheWritableMountCanBeWritten() throws Exception {
        String canary = "CANARY-WRITE-" + UUID.randomUUID();
        List<Path> targets = List.of(box.home.resolve("planted"), box.other.resolve("planted"), box.config.resolve("planted"),
                Path.of("/tmp/airlock-sandbox-" + canary), Path.of("/usr/airlock-" + canary), box.work.resolve("ok"));
        String script = """
                import sys
                for p in sys.argv[2:]:
                    try:
                        open(p, "w").write(sys.argv[1]); print(p, "WROTE")
                    except Exception as e:
                        print(p, "DENIED", type(e).__name__)
                """;
        String[] args = new String[targets.size() + 1];
        args[0] = canary;
        for (int i = 0; i < targets.size(); i++) args[i + 1] = targets.get(i).toString();
        SandboxBox.Run r = box.python("", script, args);
        assertThat(r.status()).as(r.err()).isZero();
        for (Path t : targets.subList(0, targets.size() - 1)) assertThat(t).as(t.toString()).doesNotExist();
        assertThat(box.work.resolve("ok")).hasContent(canary);
        assertThat(box.config.resolve("planted")).doesNotExist();

        SandboxBox.Run ro = box.python("writable = false\n", script, canary, box.work.resolve("ro").toString());
        assertThat(ro.out()).contains("DENIED");
        assertThat(box.work.resolve("ro")).doesNotExist();
    }

    @Test
    void withoutNetworkEvenLoopbackIsUnreachable() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String script = """
                    import socket, sys
                    try:
                        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3); print("CONNECTED")
                    except Exception as e:
                        print("REFUSED", e)
                    """;
            SandboxBox.Run off = box.python("network = false\n", script, Integer.toString(listener.getLocalPort()));
            assertThat(off.out()).contains("REFUSED").doesNotContain("CONNECTED");
            // the listener is real: with the host's own network (the explicit opt-in) the same script gets through
            SandboxBox.Run on = box.python("host_network = true\n", script, Integer.toString(listener.getLocalPort()));
            assertThat(on.out()).contains("CONNECTED");
        }
    }

    /**
     * Issue 21.7: network = true was the host's network namespace, so a script reached every
     * service on the host's 127.0.0.1 (and could listen there for the console's cookie). A root
     * daemon now gives the run a namespace of its own with user-mode networking (pasta): a route
     * out, but neither the host's loopback nor its gateway address mapped to it.
     */
    @Test
    void withTheNetworkOnTheHostsLoopbackIsStillOutOfReach() throws Exception {
        assumeTrue(SandboxBox.isRoot(), "the root daemon's named namespace; NonRootSandboxTest covers a daemon that is not root");
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
            String script = """
                    import os, socket, sys
                    for host in ["127.0.0.1", sys.argv[2]]:
                        try:
                            socket.create_connection((host, int(sys.argv[1])), timeout=3); print("CONNECTED", host)
                        except Exception as e:
                            print("REFUSED", host, type(e).__name__)
                    routes = [l.split() for l in open("/proc/net/route").readlines()[1:]]
                    print("default route via", [r[0] for r in routes if r[1] == "00000000"])
                    print("netns", os.readlink("/proc/self/ns/net"))
                    """;
            String gateway = defaultGateway();
            SandboxBox.Run on = box.python("network = true\nwritable = false\n", script, Integer.toString(listener.getLocalPort()), gateway);
            assertThat(on.status()).as(on.err()).isZero();
            assertThat(on.out()).contains("REFUSED 127.0.0.1").contains("REFUSED " + gateway).doesNotContain("CONNECTED")
                    .doesNotContain("default route via []")
                    .doesNotContain("netns " + Files.readSymbolicLink(Path.of("/proc/self/ns/net")));
            assertThat(on.out()).containsPattern("default route via \\['[a-z0-9]+'\\]");
            // the opt-in reaches it, as the whole host's network does
            SandboxBox.Run host = box.python("host_network = true\nwritable = false\n", script, Integer.toString(listener.getLocalPort()), gateway);
            assertThat(host.out()).contains("CONNECTED 127.0.0.1");
        }
        // nothing of the run's network is left behind
        try (var left = Files.list(Path.of("/run/netns"))) {
            assertThat(left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("airlock-")).toList()).isEmpty();
        } catch (java.nio.file.NoSuchFileException e) {
            // never made
        }
    }

    /** Tries each HOST:PORT in argv and prints CONNECTED or REFUSED with the error's name. */
    /**
     * Issue 21.7's allowlist: with network_allow the run's own namespace lets out only the listed
     * destinations (its own firewall, set before the tool starts). Two real listeners on one host
     * address pasta reaches: the listed port connects, the other is refused, and without the list
     * both connect (so the refusal is the list's doing, not the route's).
     */
    @Test
    void theNetworkAllowlistLetsOutOnlyItsDestinations() throws Exception {
        assumeTrue(SandboxBox.isRoot(), "adding a host address for the listeners needs root; NonRootSandboxTest runs a user daemon");
        try (HostAddress host = HostAddress.add();
             ServerSocket allowed = new ServerSocket(0, 50, host.address);
             ServerSocket other = new ServerSocket(0, 50, host.address)) {
            String yes = host.text() + ":" + allowed.getLocalPort();
            String no = host.text() + ":" + other.getLocalPort();
            SandboxBox.Run open = box.python("network = true\nwritable = false\n", SandboxProbes.CONNECT, yes, no);
            assertThat(open.out()).as(open.err()).contains("CONNECTED " + yes).contains("CONNECTED " + no);

            SandboxBox.Run listed = box.python("network = true\nwritable = false\nnetwork_allow = [\"" + yes + "\"]\n", SandboxProbes.CONNECT, yes, no,
                    "127.0.0.1:" + other.getLocalPort());
            assertThat(listed.status()).as(listed.err()).isZero();
            assertThat(listed.out()).contains("CONNECTED " + yes).contains("REFUSED " + no + " ConnectionRefusedError")
                    .contains("REFUSED 127.0.0.1:" + other.getLocalPort());
        }
        try (var left = Files.list(Path.of("/run/netns"))) {
            assertThat(left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("airlock-")).toList()).isEmpty();
        } catch (java.nio.file.NoSuchFileException e) {
            // never made
        }
    }

    /** A listed name that does not resolve at the start of the run refuses it: nothing runs with a list it cannot keep. */
    @Test
    void aListedNameThatDoesNotResolveRefusesTheRun() throws Exception {
        assumeTrue(airlock.daemon.sandbox.UserNetwork.missing(new airlock.rules.SandboxSpec(true, List.of(), false, 0, 0, 0, 0), "/usr/bin:/bin").isEmpty(),
                "no user-mode network on this host");
        String marker = "CANARY-RAN-" + UUID.randomUUID();
        SandboxBox.Run r = box.python("network = true\nwritable = false\nnetwork_allow = [\"no-such-host.invalid:443\"]\n",
                "print('" + marker + "')");
        assertThat(r.status()).isEqualTo(126);
        assertThat(r.out()).doesNotContain(marker);
        assertThat(r.err()).contains("airlock: refused by the sandbox layer: [sandbox] network_allow names no-such-host.invalid:443")
                .contains("does not resolve");
    }

    /** The host's default gateway (pasta would map it to the host's loopback unless told not to). */
    private static String defaultGateway() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/net/route")).subList(1, Files.readAllLines(Path.of("/proc/net/route")).size())) {
            String[] f = line.trim().split("\\s+");
            if (f[1].equals("00000000")) {
                long g = Long.parseLong(f[2], 16);
                return (g & 0xff) + "." + (g >> 8 & 0xff) + "." + (g >> 16 & 0xff) + "." + (g >> 24 & 0xff);
            }
        }
        return "192.0.2.1";
    }

    @Test
    void theTimeoutKillsTheWholeTreeAndSaysSo() throws Exception {
        String marker = "canary-timeout-" + UUID.randomUUID();
        String script = """
                import subprocess, sys
                subprocess.Popen(["/bin/sh", "-c", "while :; do :; done", sys.argv[1]])
                while True: pass
                """;
        SandboxBox.Run r = box.python("timeout_s = 1\n", script, marker);
        assertThat(r.status()).isEqualTo(124);
        assertThat(r.limit()).isEqualTo("timeout");
        assertThat(r.err()).contains("airlock: sandbox: the run passed its time limit of 1 s");
        assertThat(SandboxBox.processesWith(marker)).isEmpty();
    }

    @Test
    void memoryPastTheLimitFails() throws Exception {
        String script = """
                try:
                    b = bytearray(400 * 1024 * 1024); print("ALLOCATED", len(b))
                except MemoryError:
                    print("NO MEMORY")
                """;
        SandboxBox.Run r = box.python("memory_mb = 128\n", script);
        assertThat(r.out()).contains("NO MEMORY").doesNotContain("ALLOCATED");
        assertThat(box.python("memory_mb = 1024\n", script).out()).contains("ALLOCATED");
    }

    /**
     * Issue 21.2: RLIMIT_AS counts neither a tmpfs's pages nor a memfd's; with memory_mb = 64 a
     * script filled /dev/shm and a memfd far past it. /dev/shm is now a tmpfs of memory_mb, and a
     * memory cgroup (where the daemon may make one) counts both.
     */
    @Test
    void sharedMemoryAndMemfdStopAtTheMemoryLimit() throws Exception {
        var probe = airlock.daemon.sandbox.Cgroup.create(0, 64L << 20);
        boolean cgroup = probe.map(airlock.daemon.sandbox.Cgroup::limitsMemory).orElse(false);
        probe.ifPresent(airlock.daemon.sandbox.Cgroup::close);
        String fill = """
                import os, sys
                mb = b"x" * (1 << 20)
                n = 0
                if sys.argv[1] == "shm":
                    f = open("/dev/shm/fill", "wb")
                    write = lambda: (f.write(mb), f.flush())
                else:
                    fd = os.memfd_create("fill")
                    write = lambda: os.write(fd, mb)
                try:
                    for _ in range(200):
                        write(); n += 1
                        print(sys.argv[1], n, flush=True)
                except OSError as e:
                    print("refused", type(e).__name__, flush=True)
                """;
        SandboxBox.Run shm = box.python("memory_mb = 64\nwritable = false\n", fill, "shm");
        assertThat(shm.out()).as(shm.err()).contains("shm 1\n").doesNotContain("shm 65\n");
        // without a memory cgroup a memfd is not counted (docs/sandbox.md says so; airlock doctor warns)
        assumeTrue(cgroup, "no memory cgroup the daemon may make here");
        SandboxBox.Run memfd = box.python("memory_mb = 64\nwritable = false\n", fill, "memfd");
        assertThat(memfd.out()).as(memfd.err()).contains("memfd 1\n").doesNotContain("memfd 65\n");
        assertThat(memfd.limit()).isEqualTo("memory");
        assertThat(memfd.err()).contains("airlock: sandbox: the run passed its memory limit of 64 MB");
    }

    @Test
    void aForkLoopStopsAtTheProcessLimitAndLeavesNothing() throws Exception {
        String marker = "canary-fork-" + UUID.randomUUID();
        String script = """
                import os, sys, time
                n = 0
                try:
                    for i in range(300):
                        if os.fork() == 0:
                            os.execv("/bin/sleep", ["/bin/sleep", "60", sys.argv[1]])
                        n += 1
                    print("FORKED", n)
                except OSError as e:
                    print("STOPPED AT", n)
                """;
        SandboxBox.Run r = box.python("processes = 16\n", script, marker);
        assertThat(r.out()).contains("STOPPED AT").doesNotContain("FORKED");
        int stopped = Integer.parseInt(r.out().strip().replaceAll(".*STOPPED AT ", ""));
        assertThat(stopped).isLessThan(16);
        assertThat(SandboxBox.processesWith(marker)).isEmpty();
        // with a pids cgroup the daemon also sees that the limit was hit (RLIMIT_NPROC leaves no trace)
        assertThat(r.limit()).isIn("processes", "");
        if (r.limit().equals("processes")) assertThat(r.err()).contains("airlock: sandbox: the run tried to have more than 16 processes");
    }

    @Test
    void aFloodOfOutputIsCutWithAMarker() throws Exception {
        String marker = "canary-flood-" + UUID.randomUUID();
        String script = """
                import sys
                line = b"x" * 1023 + b"\\n"
                while True: sys.stdout.buffer.write(line)
                """;
        SandboxBox.Run r = box.python("output_mb = 1\n", script, marker);
        assertThat(r.out().length()).isEqualTo(1024 * 1024);
        assertThat(r.err()).contains("airlock: sandbox: output limit of 1 MB reached");
        assertThat(r.limit()).isEqualTo("output");
        assertThat(SandboxBox.processesWith(marker)).isEmpty();
    }

    @Test
    void stdinExitStatusEnvironmentAndSignalsPassAsOutside() throws Exception {
        String script = """
                import os, sys
                data = sys.stdin.buffer.read()
                sys.stdout.buffer.write(data[::-1]); print(os.environ.get("CANARY_ENV"), os.getcwd())
                sys.exit(42)
                """;
        SandboxBox.Run r = box.python("", script);
        assertThat(r.status()).isEqualTo(42);
        SandboxBox.Run in = box.run(box.module("/usr/bin/python3", ""), List.of("/usr/bin/python3", box.script("rev.py", script).toString()),
                "abc".getBytes(StandardCharsets.UTF_8));
        assertThat(in.out()).startsWith("cba").contains("env-ok " + box.work);

        String trap = """
                import signal, sys, time
                signal.signal(signal.SIGINT, lambda s, f: (print("GOT SIGINT", flush=True), sys.exit(3)))
                print("ready", flush=True)
                time.sleep(30)
                """;
        SandboxBox.Run sig = box.run(box.module("/usr/bin/python3", ""), List.of("/usr/bin/python3", box.script("trap.py", trap).toString()),
                new byte[0], List.of(airlock.daemon.core.Signals.SIGINT));
        assertThat(sig.out()).contains("GOT SIGINT");
        assertThat(sig.status()).isEqualTo(3);
    }

    @Test
    void withoutAWorkingBubblewrapASandboxedModuleRefusesAndAnOrdinaryOneRuns() throws Exception {
        String script = "open(__import__('sys').argv[1], 'w').write('ran')\n";
        Path ran = box.work.resolve("ran");
        box.bubblewrap = path -> Bubblewrap.probe(tmp.resolve("no-such/bwrap"));
        SandboxBox.Run missing = box.python("", script, ran.toString());
        assertThat(missing.status()).isEqualTo(126);
        assertThat(missing.err()).startsWith("airlock: refused by the sandbox layer: bubblewrap").contains("apt-get install bubblewrap");
        assertThat(ran).doesNotExist();

        Path fake = box.script("fake-bwrap", "#!/bin/sh\necho 'bwrap: No permissions to creating new namespace' >&2\nexit 1\n");
        fake.toFile().setExecutable(true);
        box.bubblewrap = path -> Bubblewrap.probe(fake);
        SandboxBox.Run broken = box.python("", script, ran.toString());
        assertThat(broken.status()).isEqualTo(126);
        assertThat(broken.err()).contains("cannot create namespaces here (bwrap: No permissions to creating new namespace)")
                .contains("unprivileged_userns_clone");
        assertThat(ran).doesNotExist();

        SandboxBox.Run plain = box.run(box.module("/usr/bin/python3", null),
                List.of("/usr/bin/python3", box.script("w.py", script).toString(), ran.toString()), new byte[0]);
        assertThat(plain.status()).as(plain.err()).isZero();
        assertThat(ran).hasContent("ran");
    }

    @Test
    void aSecretWrittenIntoTheWritableWorkspaceIsRedactedInPlace() throws Exception {
        String secret = "CANARY-SECRET-" + UUID.randomUUID();
        box.redaction = airlock.daemon.sandbox.RawRedaction.of(secret);
        Path leak = box.work.resolve("out/leak.txt");
        SandboxBox.Run r = box.python("writable = true\n", """
                import os, sys
                os.makedirs(os.path.dirname(sys.argv[1]), exist_ok=True)
                open(sys.argv[1], "w").write("the key is " + sys.argv[2] + "\\n")
                """, leak.toString(), secret);
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(leak).hasContent("the key is [airlock:redacted]\n");
        assertThat(r.err()).contains("airlock: sandbox: 1 secret(s) redacted in place in 1 file(s)").contains(leak.toString());
        assertThat(Files.readString(leak)).doesNotContain(secret);
    }

    /**
     * Issue 21.1: with a root daemon the sandbox's uid was the host's root (uid map "0 0 1"), and
     * host uid 0 may write /proc/sys whatever its capabilities (core_pattern runs a program as
     * root at the next crash). Opening for writing only: nothing is ever written to the kernel.
     */
    @Test
    void aRunIsNeverTheHostsRootAndCannotWriteTheKernelsSettings() throws Exception {
        Path written = box.work.resolve("written.txt");
        SandboxBox.Run r = box.python("writable = true\nnetwork = true\n", SandboxProbes.KERNEL_WRITES + "open('" + written + "', 'w').write('x')\n"
                + "for d in ['/tmp', '/dev/shm', os.environ['HOME']]:\n    open(d + '/t', 'w').write('x')\nprint('private folders writable')\n");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("private folders writable");
        assertThat(r.out()).contains("opened for writing []").doesNotContain("host uid 0\n").doesNotContain("host uid None");
        int daemonUid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        // what the run writes belongs to the workspace's owner (the person), as the daemon's own files do when it is not root
        int expected = daemonUid == 0 ? SandboxBox.PERSON : daemonUid;
        assertThat(r.out()).contains("host uid " + expected + "\n");
        assertThat((Integer) Files.getAttribute(written, "unix:uid")).isEqualTo(expected);
    }

    @Test
    void aRootDaemonRefusesAWritableRunInAWorkspaceRootOwnsAndSaysWhatWorks() throws Exception {
        assumeTrue(SandboxBox.isRoot(), "only a root daemon runs a sandbox as another user");
        Files.setAttribute(box.work, "unix:uid", 0);
        Files.setAttribute(box.work, "unix:gid", 0);
        Path ran = box.work.resolve("ran");
        SandboxBox.Run w = box.python("writable = true\n", "open('" + ran + "', 'w').write('x')\n");
        assertThat(w.status()).isEqualTo(126);
        assertThat(w.err()).startsWith("airlock: refused by the sandbox layer: the workspace " + box.work + " belongs to root")
                .contains("chown -R USER " + box.work);
        assertThat(ran).doesNotExist();
        // a read-only run there runs, as nobody
        SandboxBox.Run ro = box.python("writable = false\n", SandboxProbes.KERNEL_WRITES);
        assertThat(ro.status()).as(ro.err()).isZero();
        assertThat(ro.out()).contains("host uid 65534\n").contains("opened for writing []");
    }

    /**
     * Issue 21.4: a double-forked, setsid grandchild of an unsandboxed tool outlived its run with
     * the run's environment. Every run has a cgroup of its own now, killed at the run's end.
     */
    @Test
    void whatAnUnsandboxedRunLeavesBehindEndsWithIt() throws Exception {
        var probe = airlock.daemon.sandbox.Cgroup.create(0, 0);
        assumeTrue(probe.isPresent(), "no cgroup the daemon may make here (docs/sandbox.md: the fallback)");
        probe.get().close();
        String marker = "leftover-" + UUID.randomUUID();
        Path started = box.work.resolve("started");
        SandboxBox.Run r = box.run(box.module("/bin/sh", null), List.of("/bin/sh", "-c",
                "setsid /usr/bin/python3 -c 'import time; time.sleep(60)' " + marker + " </dev/null >/dev/null 2>&1 & echo $! > " + started), new byte[0]);
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(started).exists();
        for (int i = 0; i < 100 && !SandboxBox.processesWith(marker).isEmpty(); i++) Thread.sleep(20);
        List<Long> left = SandboxBox.processesWith(marker);
        left.forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
        assertThat(left).isEmpty();
    }

    /** Issue 20.4: only a version manager's shim (a script whose installation is in the hidden home) is refused. */
    @Test
    void aVersionManagersShimScriptIsRefusedWithWhatWorksInstead() throws Exception {
        Path shim = Files.createDirectories(box.home.resolve(".pyenv/shims")).resolve("python3");
        Files.writeString(shim, "#!/bin/sh\nexec /usr/bin/python3 \"$@\"\n");
        shim.toFile().setExecutable(true);
        Path ran = box.work.resolve("ran");
        SandboxBox.Run r = box.run(box.module(shim.toString(), ""), List.of(shim.toString(), "-c", "open('" + ran + "', 'w')"), new byte[0]);
        assertThat(r.status()).isEqualTo(126);
        assertThat(r.err()).startsWith("airlock: refused by the sandbox layer: " + shim + " is a script in the host home"
                + " (a version manager's shim?)").contains("absolute path");
        assertThat(ran).doesNotExist();
    }

    /**
     * Issue 20.4: a person's own script outside /usr and outside the home (report.sh under /opt, a
     * python tool with "#!/usr/bin/env python3") runs sandboxed: its file and its interpreter are
     * bound, nothing else of where it lies.
     */
    @Test
    void aPersonsOwnScriptOutsideUsrRunsSandboxedWithItsInterpreter() throws Exception {
        Path bin = Files.createDirectories(tmp.toRealPath().resolve("opt/tools/bin"));
        Files.writeString(bin.getParent().resolve("NEIGHBOUR"), "CANARY-NEIGHBOUR-5e1d");
        Path report = bin.resolve("report.sh");
        Files.writeString(report, "#!/bin/sh\necho \"report in $(pwd)\"; cat " + bin.getParent().resolve("NEIGHBOUR") + " 2>&1 || true\n");
        Path tool = bin.resolve("tool");
        Files.writeString(tool, "#!/usr/bin/env python3\nimport sys\nprint('tool', sys.argv[1:])\n");
        for (Path p : List.of(report, tool)) p.toFile().setExecutable(true, false);
        SandboxBox.Run r = box.run(box.module(report.toString(), "writable = false\n"), List.of(report.toString()), new byte[0]);
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("report in " + box.work + "\n").doesNotContain("CANARY-NEIGHBOUR");
        SandboxBox.Run t = box.run(box.module(tool.toString(), "writable = false\n"), List.of(tool.toString(), "a b"), new byte[0]);
        assertThat(t.status()).as(t.err()).isZero();
        assertThat(t.out()).isEqualTo("tool ['a b']\n");
    }

    @Test
    void withTheVaultsRedactorASecretFileIsReadableAndEveryFormWrittenIsRedacted() throws Exception {
        String secret = "CANARY-VAULT-SECRET-" + UUID.randomUUID();
        Path runFiles = Files.createDirectories(box.config.resolve("runs/r1"));
        Files.writeString(runFiles.resolve("TOKEN_FILE"), secret);
        box.secretFiles = Optional.of(runFiles);
        box.redaction = airlock.daemon.sandbox.VaultRedaction.of(airlock.daemon.redact.Redactor.of(
                java.util.Map.of("api", secret.getBytes(StandardCharsets.UTF_8))));
        Path out = box.work.resolve("result.txt");
        SandboxBox.Run r = box.python("writable = true\n", """
                import base64, sys
                s = open(sys.argv[1]).read()
                try:
                    open(sys.argv[3]).read(); print("VAULT READABLE")
                except OSError:
                    print("vault hidden")
                open(sys.argv[2], "w").write("raw " + s + "\\nb64 " + base64.b64encode(s.encode()).decode() + "\\n")
                """, runFiles.resolve("TOKEN_FILE").toString(), out.toString(), box.config.resolve("vault").toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("vault hidden").doesNotContain("VAULT READABLE");
        String written = Files.readString(out);
        assertThat(written).doesNotContain(secret)
                .doesNotContain(java.util.Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)))
                .contains("[airlock:redacted api]");
        assertThat(r.err()).contains("airlock: sandbox: 2 secret(s) redacted in place in 1 file(s)");
    }

    @Test
    void anInjectedSecretPrintedRawOrEncodedReachesTheCallerAsMarkersAndWrittenFilesToo() throws Exception {
        String secret = "CANARY-INJECTED-" + UUID.randomUUID();
        box.injected = java.util.Map.of("API_TOKEN", secret);
        box.secrets = airlock.daemon.redact.Redactor.of(java.util.Map.of("api", secret.getBytes(StandardCharsets.UTF_8)));
        Path out = box.work.resolve("carried.txt");
        SandboxBox.Run r = box.python("writable = true\nnetwork = false\n", """
                import base64, os, sys
                t = os.environ["API_TOKEN"]
                print("raw", t)
                print("b64", base64.b64encode(t.encode()).decode())
                print("hex", t.encode().hex(), file=sys.stderr)
                open(sys.argv[1], "w").write(t)
                """, out.toString());
        String b64 = java.util.Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("raw [airlock:redacted api]").contains("b64 [airlock:redacted api]")
                .doesNotContain(secret).doesNotContain(b64);
        assertThat(r.err()).doesNotContain(secret);
        assertThat(out).hasContent("[airlock:redacted api]");
    }

    // ---- issue 21 point 3: a writable run with secrets writes to a private layer, scanned before it lands

    /** Every form the vault's redactor knows of {@code secret}, as text (they are ASCII). */
    private static List<String> forms(String secret) {
        return airlock.daemon.redact.SecretForms.of(secret.getBytes(StandardCharsets.UTF_8)).stream()
                .map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList();
    }

    private void vaultSecret(String secret) {
        box.injected = java.util.Map.of("API_TOKEN", secret);
        box.secrets = airlock.daemon.redact.Redactor.of(java.util.Map.of("api", secret.getBytes(StandardCharsets.UTF_8)));
    }

    /** Every name, link target, user xattr and content under the workspace, as one text to search. */
    private String everythingIn(Path root) throws Exception {
        StringBuilder all = new StringBuilder();
        try (var s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                all.append(root.relativize(p)).append('\n');
                if (Files.isSymbolicLink(p)) {
                    all.append(Files.readSymbolicLink(p)).append('\n');
                    continue;
                }
                var v = Files.getFileAttributeView(p, java.nio.file.attribute.UserDefinedFileAttributeView.class);
                for (String n : v.list()) {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.size(n));
                    v.read(n, b);
                    all.append(n).append('=').append(new String(b.array(), 0, b.position(), StandardCharsets.ISO_8859_1)).append('\n');
                }
                if (Files.isRegularFile(p)) all.append(Files.readString(p, StandardCharsets.ISO_8859_1)).append('\n');
            }
        }
        return all.toString();
    }

    private void assertNoForm(String secret, String text) {
        for (String f : forms(secret)) assertThat(text).as("form " + f).doesNotContain(f);
        assertThat(text).doesNotContain(secret);
    }

    /** Without the layer the file is in the workspace while the script sleeps: the agent could cat it. */
    @Test
    void whileTheRunLastsItsWritesAreNotInTheWorkspace() throws Exception {
        String secret = "CANARY-LIVE-" + UUID.randomUUID();
        vaultSecret(secret);
        String name = "leak-" + UUID.randomUUID() + ".txt";
        Path leak = box.work.resolve(name);
        var run = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor().submit(() -> box.python("writable = true\n", """
                import os, sys, time
                open(sys.argv[1], "w").write("the key " + os.environ["API_TOKEN"] + "\\n")
                print("written", flush=True)
                time.sleep(4)
                """, leak.toString()));
        // the run has written (to the workspace without the layer, to its private layer with it) and still runs
        Path layer = null;
        for (int i = 0; i < 400 && layer == null && !Files.exists(leak); i++) {
            layer = layerHolding(name);
            if (layer == null) Thread.sleep(25);
        }
        assertThat(run.isDone()).isFalse();
        assertThat(leak).doesNotExist();
        assertThat(layer).as("the run's private layer holding " + name).isNotNull();
        assertNoForm(secret, everythingIn(box.work));
        SandboxBox.Run r = run.get();
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(leak).hasContent("the key [airlock:redacted api]\n");
        assertThat(layerHolding(name)).as("the layer is removed after the run").isNull();
    }

    /** The layer folder holding {@code name} in its upper directory, wherever the daemon put it (null: none). */
    private Path layerHolding(String name) throws Exception {
        List<Path> roots = List.of(box.config.resolve("layers"), Path.of(System.getProperty("java.io.tmpdir")).toRealPath().resolve("airlock-layers-0"),
                Path.of(System.getProperty("java.io.tmpdir")).toRealPath().resolve("airlock-layers-" + new com.sun.security.auth.module.UnixSystem().getUid()));
        for (Path root : roots) {
            if (!Files.isDirectory(root)) continue;
            try (var d = Files.newDirectoryStream(root)) {
                for (Path layer : d) if (Files.exists(layer.resolve("upper").resolve(name))) return layer;
            }
        }
        return null;
    }

    @Test
    void aSameSizeOverwriteWithItsMtimeRestoredIsCaught() throws Exception {
        String secret = "CANARY-SAMESIZE-" + UUID.randomUUID();
        vaultSecret(secret);
        Path data = Files.writeString(box.work.resolve("data.txt"), "x".repeat(secret.length()));
        Files.setLastModifiedTime(data, java.nio.file.attribute.FileTime.fromMillis(1_600_000_000_000L));
        SandboxBox.Run r = box.python("writable = true\n", """
                import os, sys
                st = os.stat(sys.argv[1])
                with open(sys.argv[1], "r+") as f:
                    f.write(os.environ["API_TOKEN"])
                os.utime(sys.argv[1], ns=(st.st_atime_ns, st.st_mtime_ns))
                print(os.stat(sys.argv[1]).st_size == st.st_size, os.stat(sys.argv[1]).st_mtime_ns == st.st_mtime_ns)
                """, data.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("True True\n");
        assertThat(data).hasContent("[airlock:redacted api]");
        assertThat(r.err()).contains("airlock: sandbox: 1 secret(s) redacted in place in 1 file(s)").contains(data.toString());
    }

    /** Names of files and folders, link targets and user xattrs, in every form the redactor knows. */
    @Test
    void aSecretInANameALinkTargetOrAnXattrNeverReachesTheWorkspaceInClear() throws Exception {
        String secret = "CANARY-NAMES-" + UUID.randomUUID();
        vaultSecret(secret);
        SandboxBox.Run r = box.python("writable = true\n", """
                import json, os, sys
                forms = json.loads(sys.argv[1])
                os.makedirs("out", exist_ok=True)
                for i, f in enumerate(forms):
                    open("out/content-%d.txt" % i, "w").write("form " + f + "\\n")
                    # a name: '/' would make folders of it, which the scan must see as well
                    p = os.path.join("out", "name-" + f)
                    # a form longer than a file name may be (NAME_MAX, 255 bytes: the \\u form of a long
                    # value) cannot be a name at all; what can be is tried
                    if all(len(part.encode()) <= 250 for part in ("name-" + f).split("/")):
                        os.makedirs(os.path.dirname(p), exist_ok=True)
                        open(p, "w").write("named\\n")
                    os.symlink("/target/" + f, "out/link-%d" % i)
                os.makedirs("out/dir-" + forms[0] + "/inner")
                open("out/dir-" + forms[0] + "/inner/f.txt", "w").write("in a secret folder\\n")
                try:
                    os.setxattr("out/content-0.txt", "user.note", ("v " + forms[0]).encode())
                    os.setxattr("out/content-0.txt", "user.k-" + forms[0][:200], b"value")
                    os.setxattr("out/content-0.txt", "user.plain", b"kept")
                    print("xattrs set")
                except OSError as e:
                    print("xattrs unsupported", e.errno)
                """, toJson(forms(secret)));
        assertThat(r.status()).as(r.err()).isZero();
        String all = everythingIn(box.work);
        assertNoForm(secret, all);
        assertNoForm(secret, r.out() + r.err());
        Path out = box.work.resolve("out");
        assertThat(out.resolve("content-0.txt")).hasContent("form [airlock:redacted api]\n");
        assertThat(out.resolve("dir-[airlock:redacted api]/inner/f.txt")).hasContent("in a secret folder\n");
        assertThat(out.resolve("name-[airlock:redacted api]")).hasContent("named\n");
        assertThat(Files.readSymbolicLink(out.resolve("link-0"))).hasToString("/target/[airlock:redacted api]");
        // where the file systems (the layer's and the workspace's, both under the temp directory here) have user xattrs, they were tried
        if (supportsUserXattrs(box.work)) assertThat(r.out()).contains("xattrs set");
        if (r.out().contains("xattrs set")) {
            var v = Files.getFileAttributeView(out.resolve("content-0.txt"), java.nio.file.attribute.UserDefinedFileAttributeView.class);
            assertThat(v.list()).containsExactlyInAnyOrder("note", "plain");
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.size("note"));
            v.read("note", b);
            assertThat(new String(b.array(), 0, b.position(), StandardCharsets.UTF_8)).isEqualTo("v [airlock:redacted api]");
        }
        assertThat(r.err()).contains("secret(s) redacted in place");
    }

    private static boolean supportsUserXattrs(Path dir) throws Exception {
        Path probe = Files.writeString(dir.resolve("xattr-probe"), "");
        try {
            Files.getFileAttributeView(probe, java.nio.file.attribute.UserDefinedFileAttributeView.class)
                    .write("probe", java.nio.ByteBuffer.wrap(new byte[]{1}));
            return true;
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return false;
        } finally {
            Files.delete(probe);
        }
    }

    private static String toJson(List<String> forms) {
        return forms.stream().map(f -> "\"" + f.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    }

    /**
     * Ordinary work lands exactly: new files and folders with their modes, changes, deletions,
     * renames (git-like: a file renamed over another), a folder replaced by a file; a run that
     * fails lands its writes too.
     */
    @Test
    void ordinaryWritesDeletesAndRenamesLandExactlyEvenWhenTheRunFails() throws Exception {
        vaultSecret("CANARY-ORDINARY-" + UUID.randomUUID());
        Path w = box.work;
        Files.writeString(w.resolve("keep.txt"), "old");
        Files.writeString(w.resolve("untouched.txt"), "same");
        Files.writeString(w.resolve("delete-me.txt"), "bye");
        Files.writeString(w.resolve("index.lock"), "");
        Files.writeString(w.resolve("index"), "v1");
        Files.createDirectories(w.resolve("tree/sub"));
        Files.writeString(w.resolve("tree/sub/f"), "gone");
        Files.createDirectories(w.resolve("becomes-file"));
        Files.writeString(w.resolve("becomes-file/x"), "x");
        Files.writeString(w.resolve("becomes-dir"), "was a file");
        Files.createDirectories(w.resolve("lower-dir"));
        Files.writeString(w.resolve("lower-dir/old"), "old");
        SandboxBox.Run r = box.python("writable = true\n", """
                import os, shutil, sys
                open("keep.txt", "a").write(" and new")
                os.makedirs("made/deeper")
                open("made/deeper/run.sh", "w").write("#!/bin/sh\\n")
                os.chmod("made/deeper/run.sh", 0o750)
                os.chmod("made", 0o700)
                os.remove("delete-me.txt")
                open("index.lock", "w").write("v2")
                os.rename("index.lock", "index")
                shutil.rmtree("tree")
                shutil.rmtree("becomes-file"); open("becomes-file", "w").write("now a file")
                os.remove("becomes-dir"); os.makedirs("becomes-dir"); open("becomes-dir/in", "w").write("in")
                open("lower-dir/new", "w").write("new")
                os.symlink("made/deeper/run.sh", "link")
                sys.exit(3)
                """);
        assertThat(r.status()).as(r.err()).isEqualTo(3);
        assertThat(r.err()).doesNotContain("WARNING");
        assertThat(w.resolve("keep.txt")).hasContent("old and new");
        assertThat(w.resolve("untouched.txt")).hasContent("same");
        assertThat(w.resolve("made/deeper/run.sh")).hasContent("#!/bin/sh\n");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(w.resolve("made/deeper/run.sh")))).isEqualTo("rwxr-x---");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(w.resolve("made")))).isEqualTo("rwx------");
        assertThat(w.resolve("delete-me.txt")).doesNotExist();
        assertThat(w.resolve("index.lock")).doesNotExist();
        assertThat(w.resolve("index")).hasContent("v2");
        assertThat(w.resolve("tree")).doesNotExist();
        assertThat(w.resolve("becomes-file")).isRegularFile().hasContent("now a file");
        assertThat(w.resolve("becomes-dir/in")).hasContent("in");
        assertThat(w.resolve("lower-dir/old")).hasContent("old");
        assertThat(w.resolve("lower-dir/new")).hasContent("new");
        assertThat(Files.readSymbolicLink(w.resolve("link"))).hasToString("made/deeper/run.sh");
        // nothing of the layer's own bookkeeping reaches the workspace
        try (var s = Files.walk(w)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isSymbolicLink(p) || p.startsWith(box.config)) continue;
                assertThat(Files.getFileAttributeView(p, java.nio.file.attribute.UserDefinedFileAttributeView.class).list())
                        .as(p.toString()).noneMatch(n -> n.startsWith("overlay."));
            }
        }
    }

    /** Past the old 64 MiB cut: the scan streams, so a big file is scanned like a small one. */
    @Test
    void aBigWrittenFileIsScannedWhole() throws Exception {
        String secret = "CANARY-BIG-" + UUID.randomUUID();
        vaultSecret(secret);
        Path big = box.work.resolve("big.bin");
        SandboxBox.Run r = box.python("writable = true\n", """
                import base64, os, sys
                t = os.environ["API_TOKEN"]
                with open(sys.argv[1], "wb") as f:
                    chunk = b"0123456789abcdef" * 65536
                    for i in range(72):
                        f.write(chunk)
                    f.write(b" raw " + t.encode() + b" b64 " + base64.b64encode(t.encode()) + b"\\n")
                """, big.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).contains("airlock: sandbox: 2 secret(s) redacted in place in 1 file(s)").doesNotContain("WARNING");
        assertThat(Files.size(big)).isGreaterThan(72L << 20);
        try (var in = Files.newInputStream(big)) {
            in.skipNBytes(72L << 20);
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(" raw [airlock:redacted api] b64 [airlock:redacted api]\n");
        }
    }

    /** A run killed at its time limit lands what it wrote until then, scanned. */
    @Test
    void aRunKilledAtItsTimeLimitLandsItsScannedWrites() throws Exception {
        String secret = "CANARY-TIMEOUT-" + UUID.randomUUID();
        vaultSecret(secret);
        Path f = box.work.resolve("partial.txt");
        SandboxBox.Run r = box.python("writable = true\ntimeout_s = 2\n", """
                import os, sys, time
                open(sys.argv[1], "w").write("partial " + os.environ["API_TOKEN"])
                time.sleep(60)
                """, f.toString());
        assertThat(r.status()).isEqualTo(124);
        assertThat(f).hasContent("partial [airlock:redacted api]");
    }
}
