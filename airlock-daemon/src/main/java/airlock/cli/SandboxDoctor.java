package airlock.cli;

import airlock.daemon.sandbox.Bubblewrap;
import airlock.daemon.sandbox.Cgroup;
import airlock.daemon.sandbox.UserNetwork;
import airlock.rules.CommandModule;
import airlock.rules.Policy;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code airlock doctor}: whether the modules that ask for [sandbox] can run here. They refuse
 * every request when bubblewrap is missing or cannot make namespaces; this says why and how to fix.
 */
final class SandboxDoctor {
    /** @param level "ok  ", "warn" or "FAIL" */
    record Line(String level, String text) {}

    private SandboxDoctor() {}

    static List<Line> check(Policy policy, String path) {
        List<String> sandboxed = policy.modules().values().stream().filter(m -> m.sandbox().isPresent()).map(CommandModule::name).toList();
        List<Line> out = new ArrayList<>();
        if (sandboxed.isEmpty()) return out;
        switch (Bubblewrap.probe(path)) {
            case Bubblewrap.Availability.Ready r -> out.add(new Line("ok  ", "sandbox: " + r.bwrap() + " makes sandboxes for " + sandboxed));
            case Bubblewrap.Availability.Unavailable u -> out.add(new Line("FAIL", "sandbox: " + u.why() + ": every request of "
                    + sandboxed + " will be refused; " + u.fix()));
        }
        boolean limitsProcesses = policy.modules().values().stream().anyMatch(m -> m.sandbox().map(s -> s.processes() > 0).orElse(false));
        if (limitsProcesses) {
            var cgroup = Cgroup.create(1, 0);
            if (cgroup.isPresent()) {
                cgroup.get().close();
                out.add(new Line("ok  ", "sandbox: process limits through a pids cgroup the daemon may create"));
            } else if (HookPermissions.currentUid() == 0) {
                out.add(new Line("FAIL", "sandbox: [sandbox] processes cannot be enforced: airlock runs as root (exempt from"
                        + " RLIMIT_NPROC) with no pids cgroup it may create; run it as a user or delegate a cgroup"));
            } else {
                out.add(new Line("ok  ", "sandbox: process limits through RLIMIT_NPROC in the sandbox's user namespace (no pids cgroup)"));
            }
        }
        boolean limitsMemory = policy.modules().values().stream().anyMatch(m -> m.sandbox().map(s -> s.memoryMb() > 0).orElse(false));
        if (limitsMemory) {
            var cgroup = Cgroup.create(0, 64L * 1024 * 1024);
            boolean counted = cgroup.map(Cgroup::limitsMemory).orElse(false);
            cgroup.ifPresent(Cgroup::close);
            if (counted) {
                out.add(new Line("ok  ", "sandbox: memory_mb through a memory cgroup the daemon may create (counts /dev/shm, /tmp, memfd)"));
            } else {
                out.add(new Line("warn", "sandbox: memory_mb is RLIMIT_AS and tmpfs sizes only (no memory cgroup the daemon may"
                        + " create): /dev/shm, /tmp and memfd memory are not counted against it; delegate a cgroup to the daemon"
                        + " (systemd: Delegate=yes)"));
            }
        }
        // network = true: the run's own namespace (pasta, and iptables for network_allow); without
        // what it needs, each such request is refused, so doctor says what is missing
        List<String> networked = policy.modules().values().stream()
                .filter(m -> m.sandbox().map(s -> s.network() && !s.hostNetwork()).orElse(false)).map(CommandModule::name).toList();
        java.util.Set<String> missing = new java.util.LinkedHashSet<>();
        for (CommandModule m : policy.modules().values()) m.sandbox().ifPresent(s -> missing.addAll(UserNetwork.missing(s, path)));
        if (!networked.isEmpty() && missing.isEmpty()) {
            out.add(new Line("ok  ", "sandbox: network = true of " + networked + " is a network namespace of the run's own (pasta),"
                    + " without the host's loopback"));
        }
        for (String m : missing) {
            out.add(new Line("FAIL", "sandbox: " + m.replaceFirst("^airlock: refused by the sandbox layer: ", "") + " (" + networked
                    + " will be refused)"));
        }
        return out;
    }
}
