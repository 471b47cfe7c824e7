package airlock.e2e;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scenarios in a bubblewrap sandbox: its own mount, pid, network, ipc and uts namespaces, the
 * host's /usr read-only, an empty /tmp, no host HOME, only the profile's socket and the workspace.
 * Runs wherever bwrap can create namespaces; it is the variant that still runs when Docker cannot.
 */
class BwrapProxyTest extends ProxyScenarios {
    @Override
    Sandbox openSandbox(Workbench bench) throws Exception {
        Assumptions.assumeTrue(bwrapWorks(), "bubblewrap cannot create a sandbox here");
        return new Bwrap(bench);
    }

    static boolean bwrapWorks() {
        try {
            Process p = new ProcessBuilder("bwrap", "--unshare-all", "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin",
                    "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--proc", "/proc", "--dev", "/dev",
                    "/bin/true").redirectErrorStream(true).start();
            return p.waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static final class Bwrap implements Sandbox {
        private final Workbench bench;
        private final Path passwd;
        private final Map<String, Process> runs = new ConcurrentHashMap<>();

        Bwrap(Workbench bench) throws IOException {
            this.bench = bench;
            this.passwd = Files.writeString(bench.root.resolve("sandbox-passwd"), "root:x:0:0:root:/root:/bin/sh\nagent:x:1000:1000::/tmp:/bin/sh\n");
        }

        @Override
        public ProcessBuilder command(Path socket, String cwd, List<String> argv, Map<String, String> env, String name) {
            List<String> cmd = new ArrayList<>(List.of("bwrap", "--unshare-all", "--die-with-parent",
                    "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin",
                    "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
                    "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--dir", "/run",
                    "--ro-bind", passwd.toString(), "/etc/passwd",
                    "--ro-bind", bench.shimDir.toString(), ShimInstall.IN_SANDBOX,
                    "--ro-bind", ShimInstall.classes().toString(), ShimInstall.IN_SANDBOX + "/classes",
                    "--bind", socket.toString(), SOCKET,
                    "--bind", bench.workspace.toString(), WORKSPACE,
                    "--chdir", cwd, "--clearenv",
                    "--setenv", "PATH", ShimInstall.IN_SANDBOX + "/bin:/usr/bin:/bin", "--setenv", "HOME", "/tmp"));
            for (var e : env.entrySet()) cmd.addAll(List.of("--setenv", e.getKey(), e.getValue()));
            cmd.addAll(argv);
            return new ProcessBuilder(cmd).directory(bench.root.toFile());
        }

        @Override
        public void signal(String name, Process run, int signal) throws InterruptedException {
            // the shim is the JVM among the sandbox's processes (bwrap forks an init for the pid namespace)
            ProcessHandle shim = null;
            for (int i = 0; i < 200 && shim == null; i++) {
                shim = run.descendants().filter(h -> h.info().command().orElse("").endsWith("/java")).findFirst().orElse(null);
                if (shim == null) Thread.sleep(20);
            }
            if (shim == null) throw new AssertionError("no shim JVM inside the sandbox of " + name);
            airlock.daemon.core.Signals.send(shim.pid(), signal);
        }
    }
}
