package airlock.daemon.sandbox;

import airlock.daemon.core.HostCommand;

import airlock.daemon.core.Executables;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether bubblewrap can make the sandbox on this host: installed, and able to create the
 * namespaces (user, pid, mount, network) a sandboxed module needs. A module with [sandbox] runs
 * only when this says {@link Availability.Ready}; otherwise it refuses (fail closed).
 */
public final class Bubblewrap {
    private static final List<String> SYSTEM_BINARIES = List.of("/usr/bin/bwrap", "/bin/bwrap");

    private Bubblewrap() {}

    public sealed interface Availability {
        record Ready(Path bwrap) implements Availability {}
        record Unavailable(String why, String fix) implements Availability {
            public String message() {
                return "airlock: refused by the sandbox layer: " + why + "; " + fix;
            }
        }
    }

    /** bwrap on {@code path} (the daemon's PATH) or in /usr/bin, probed with a real empty sandbox. */
    public static Availability probe(String path) {
        Path bwrap = Executables.find("bwrap", path).or(() -> SYSTEM_BINARIES.stream().map(Path::of)
                .flatMap(p -> Executables.find(p.toString(), null).stream()).findFirst()).orElse(null);
        if (bwrap == null) {
            return new Availability.Unavailable("bubblewrap (bwrap) is not installed on the host",
                    "install it (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap)");
        }
        return probe(bwrap);
    }

    /** This bwrap, asked to make an empty sandbox with every namespace a sandboxed run uses. */
    public static Availability probe(Path bwrap) {
        return probe(bwrap, HostCommand.DEADLINE_MS);
    }

    /** @param deadlineMs a bwrap that hangs (a broken setuid helper, a stuck mount) is unavailable after this */
    static Availability probe(Path bwrap, long deadlineMs) {
        if (!java.nio.file.Files.isExecutable(bwrap)) {
            return new Availability.Unavailable("bubblewrap (" + bwrap + ") is not installed on the host",
                    "install it (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap)");
        }
        List<String> argv = List.of(bwrap.toString(), "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
                "--unshare-all", "--cap-drop", "ALL", "--die-with-parent", "--new-session", "/bin/true");
        HostCommand.Output p;
        try {
            p = HostCommand.run(argv, Path.of("/"), System.getenv(), deadlineMs);
        } catch (IOException e) {
            String why = e.getMessage() != null && e.getMessage().contains("did not finish")
                    ? bwrap + " did not finish an empty sandbox in " + deadlineMs + " ms"
                    : bwrap + " cannot be started (" + e.getMessage() + ")";
            return new Availability.Unavailable(why, "run 'airlock doctor' and check the host");
        }
        if (p.status() != 0) {
            String said = (p.stderr() + new String(p.stdout(), StandardCharsets.UTF_8)).strip();
            String hostFix = "allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, or on Ubuntu 24.04"
                    + " kernel.apparmor_restrict_unprivileged_userns=0 or an AppArmor profile for bwrap), or run"
                    + " the daemon outside a container that forbids them";
            // in a container the container's options are the likely cause; the kernel's stay possible
            return new Availability.Unavailable(bwrap + " cannot create namespaces here (" + said + ")",
                    inContainer(Path.of("/"), System.getenv()) ? CONTAINER_FIX + "; if the host forbids them too: " + hostFix : hostFix);
        }
        return new Availability.Ready(bwrap);
    }

    /**
     * The fix when the daemon itself runs in a container (the daemon image): Docker's default
     * seccomp profile refuses the user namespaces bubblewrap makes, and its masked /proc paths
     * make the kernel refuse a new proc mount. docs/deploy/bwrap-seccomp.json is Docker's
     * kind of allowlist plus those namespace calls; systempaths=unconfined unmasks /proc. Both,
     * and no capability: the container keeps running as its non-root user (docs/deploy.md).
     */
    static final String CONTAINER_FIX = "the daemon runs in a container whose seccomp profile or masked /proc forbids the"
            + " namespaces a sandbox needs: start it with --security-opt seccomp=docs/deploy/bwrap-seccomp.json"
            + " --security-opt systempaths=unconfined (Docker; see docs/deploy.md), or leave sandboxed modules (python3, pip)"
            + " out of this container's profiles";

    /** Docker writes /.dockerenv, podman /run/.containerenv and the variable {@code container}. */
    static boolean inContainer(Path root, java.util.Map<String, String> env) {
        return java.nio.file.Files.exists(root.resolve(".dockerenv")) || java.nio.file.Files.exists(root.resolve("run/.containerenv"))
                || (env.get("container") != null && !env.get("container").isBlank());
    }
}
