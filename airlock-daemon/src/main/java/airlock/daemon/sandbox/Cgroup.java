package airlock.daemon.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A pids and memory cgroup of its own for one run, when the host lets the daemon make one: under
 * its own cgroup on v2 when the controllers are delegated to it (the daemon first moves into a leaf
 * of its own, {@link #runsParent}), or in the v1 pids and memory
 * hierarchies when those are writable. The run joins it before bubblewrap starts, so every
 * process of the tree, in any namespace, is counted and can be killed at once. The memory limit
 * is the one that counts what RLIMIT_AS does not: a tmpfs's pages (/dev/shm, /tmp) and memfds are
 * charged to the cgroup of the process that touches them.
 */
public final class Cgroup implements AutoCloseable {
    private final Path dir;
    private final boolean v2;
    /** v1 only: the run's directory in the memory hierarchy, when one could be made. */
    private final Optional<Path> memory;

    private Cgroup(Path dir, boolean v2, Optional<Path> memory) {
        this.dir = dir;
        this.v2 = v2;
        this.memory = memory;
    }

    /**
     * A fresh cgroup with {@code pids.max} and, when {@code memoryBytes > 0}, a memory limit
     * (memory.max on v2, memory.limit_in_bytes and memory.memsw.limit_in_bytes on v1); empty when
     * no pids cgroup can be made. Whether the memory limit was had: {@link #limitsMemory()}.
     */
    public static Optional<Cgroup> create(long processes, long memoryBytes) {
        for (Candidate c : candidates()) {
            Path dir = c.parent().resolve("airlock-" + UUID.randomUUID());
            try {
                Files.createDirectory(dir);
            } catch (IOException | RuntimeException e) {
                continue;
            }
            Optional<Path> memory = c.v2() || memoryBytes <= 0 ? Optional.empty() : v1Memory(memoryBytes);
            Cgroup g = new Cgroup(dir, c.v2(), memory);
            try {
                if (!Files.exists(dir.resolve("pids.max"))) throw new IOException("no pids controller in " + dir);
                if (processes > 0) Files.writeString(dir.resolve("pids.max"), Long.toString(processes));
                if (c.v2() && memoryBytes > 0 && Files.exists(dir.resolve("memory.max"))) {
                    Files.writeString(dir.resolve("memory.max"), Long.toString(memoryBytes));
                    // without swap accounting there is no such file; writing it would throw the whole cgroup away
                    if (Files.exists(dir.resolve("memory.swap.max"))) Files.writeString(dir.resolve("memory.swap.max"), "0");
                }
                return Optional.of(g);
            } catch (IOException | RuntimeException e) {
                g.close();
            }
        }
        return Optional.empty();
    }

    /** Whether a run's cgroup can be made here now (one is made and removed at once: nothing is left). */
    public static boolean available() {
        Optional<Cgroup> g = create(0, 0);
        g.ifPresent(Cgroup::close);
        return g.isPresent();
    }

    /** The run's directory in the v1 memory hierarchy, limited; empty when it cannot be made. */
    private static Optional<Path> v1Memory(long memoryBytes) {
        Optional<Path> parent = v1Parent("memory");
        if (parent.isEmpty()) return Optional.empty();
        Path dir = parent.get().resolve("airlock-" + UUID.randomUUID());
        try {
            Files.createDirectory(dir);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        try {
            Files.writeString(dir.resolve("memory.limit_in_bytes"), Long.toString(memoryBytes));
            // memory plus swap: without it the run's pages would go to swap instead of stopping it
            Path memsw = dir.resolve("memory.memsw.limit_in_bytes");
            if (Files.exists(memsw)) Files.writeString(memsw, Long.toString(memoryBytes));
            return Optional.of(dir);
        } catch (IOException | RuntimeException e) {
            killAndRemove(dir, false);
            return Optional.empty();
        }
    }

    private record Candidate(Path parent, boolean v2) {}

    /** The daemon's own cgroup on v2, then its place in the v1 pids hierarchy. */
    private static List<Candidate> candidates() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/cgroup"));
            Optional<String> unified = lines.stream().filter(l -> l.startsWith("0::")).map(l -> l.substring(3)).findFirst();
            List<Candidate> out = new java.util.ArrayList<>();
            for (Path root : List.of(Path.of("/sys/fs/cgroup"), Path.of("/sys/fs/cgroup/unified"))) {
                if (unified.isPresent() && Files.exists(root.resolve("cgroup.controllers"))) {
                    out.add(new Candidate(runsParent(root.resolve(unified.get().substring(1)), ProcessHandle.current().pid(), isRoot()), true));
                }
            }
            v1Parent("pids").ifPresent(p -> out.add(new Candidate(p, false)));
            return out;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** The leaf a delegated daemon moves itself into, so that its cgroup may hand controllers to the runs' cgroups. */
    static final String DAEMON_LEAF = "airlock-daemon";

    /**
     * Where the runs' cgroups go on v2, given the daemon's own cgroup {@code own}. Under systemd with
     * {@code Delegate=pids memory} (the unit {@code airlock init} writes) {@code own} has the
     * controllers, but cgroup v2 lets a cgroup hand them to its children only while it holds no
     * process itself, and it holds the daemon. So the daemon moves into a leaf of its own
     * ({@value #DAEMON_LEAF}) and enables pids (and memory) for the subtree; the runs' cgroups are
     * made beside the leaf, and their limits apply.
     *
     * <p>Only in a cgroup delegated to a non-root daemon: systemd hands a delegated user service's
     * cgroup to its user, and without delegation its files are root's, so a user daemon that may write
     * them was given them. A root daemon may write any cgroup, delegated or not, and moving out from
     * under a systemd that did not delegate would confuse it: root keeps its cgroup as it is. Anything
     * that fails leaves {@code own} as the parent, as before (the runs' limits may then not apply,
     * which {@code airlock doctor} reports).
     */
    static Path runsParent(Path own, long pid, boolean root) {
        if (own.getFileName() != null && own.getFileName().toString().equals(DAEMON_LEAF)) return own.getParent();
        try {
            List<String> handed = words(own.resolve("cgroup.subtree_control"));
            List<String> controllers = words(own.resolve("cgroup.controllers"));
            if (handed.contains("pids") || !controllers.contains("pids") || root) return own;
            if (!Files.isWritable(own.resolve("cgroup.procs")) || !Files.isWritable(own.resolve("cgroup.subtree_control"))) return own;
            Path leaf = own.resolve(DAEMON_LEAF);
            if (!Files.isDirectory(leaf)) Files.createDirectory(leaf);
            // one write moves the whole process, every thread of it
            Files.writeString(leaf.resolve("cgroup.procs"), Long.toString(pid));
            Files.writeString(own.resolve("cgroup.subtree_control"), controllers.contains("memory") ? "+pids +memory" : "+pids");
            return own;
        } catch (IOException | RuntimeException e) {
            return own;
        }
    }

    private static List<String> words(Path file) throws IOException {
        return List.of(Files.readString(file, StandardCharsets.UTF_8).strip().split("\\s+"));
    }

    private static boolean isRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | RuntimeException e) {
            return true; // unknown: leave the cgroup as it is
        }
    }

    /** The daemon's own directory in the v1 hierarchy of {@code controller}, when it is mounted. */
    private static Optional<Path> v1Parent(String controller) {
        try {
            return Files.readAllLines(Path.of("/proc/self/cgroup")).stream().map(l -> l.split(":", 3))
                    .filter(f -> f.length == 3 && List.of(f[1].split(",")).contains(controller))
                    .map(f -> Path.of("/sys/fs/cgroup/" + controller).resolve(f[2].substring(1)))
                    .filter(Files::isDirectory).findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static final java.util.regex.Pattern RUN = java.util.regex.Pattern.compile(
            "/airlock-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(/|$)");

    /**
     * True when process {@code pid} is in a run's cgroup (any hierarchy): a tool the daemon ran, or
     * anything it left, double-forked and reparented or not. The kernel keeps a process in its
     * cgroup across fork, setsid and exec; only a write to cgroup.procs moves it.
     */
    public static boolean holdsARun(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup")).stream()
                    .map(l -> l.split(":", 3)).anyMatch(f -> f.length == 3 && RUN.matcher(f[2]).find());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** True when the run's memory is limited by this cgroup (v2 memory.max, or a v1 memory cgroup). */
    public boolean limitsMemory() {
        return memory.isPresent() || v2 && Files.exists(dir.resolve("memory.max"));
    }

    /**
     * A constant script, never built from a request: it moves itself into the cgroup (and the v1
     * memory one) and then execs bubblewrap, so nothing of the run exists outside them.
     */
    public List<String> joinThenExec() {
        if (memory.isPresent()) {
            return List.of("/bin/sh", "-c", "echo $$ > \"$0\" && echo $$ > \"$1\" && shift && exec \"$@\"",
                    dir.resolve("cgroup.procs").toString(), memory.get().resolve("cgroup.procs").toString());
        }
        return List.of("/bin/sh", "-c", "echo $$ > \"$0\" && exec \"$@\"", dir.resolve("cgroup.procs").toString());
    }

    /** True when the run tried to have more processes than pids.max allows. */
    public boolean processLimitHit() {
        try {
            String events = Files.readString(dir.resolve("pids.events"), StandardCharsets.UTF_8);
            return events.lines().anyMatch(l -> l.startsWith("max ") && !l.equals("max 0"));
        } catch (IOException e) {
            return false;
        }
    }

    /** True when the kernel killed a process of the run for passing its memory limit. */
    public boolean memoryLimitHit() {
        if (memory.isPresent()) {
            try {
                String oom = Files.readString(memory.get().resolve("memory.oom_control"), StandardCharsets.UTF_8);
                return oom.lines().anyMatch(l -> l.startsWith("oom_kill ") && !l.equals("oom_kill 0"));
            } catch (IOException e) {
                return false;
            }
        }
        try {
            String events = Files.readString(dir.resolve("memory.events"), StandardCharsets.UTF_8);
            return events.lines().anyMatch(l -> l.startsWith("oom_kill ") && !l.equals("oom_kill 0"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Kills whatever is left of the run and removes the cgroup. */
    @Override
    public void close() {
        killAndRemove(dir, v2);
        memory.ifPresent(m -> killAndRemove(m, false));
    }

    /** Kills what is in the cgroup (at once with cgroup.kill on v2, else pid by pid) and removes it, retrying while it empties. */
    private static void killAndRemove(Path dir, boolean v2) {
        for (int round = 0; round < 50; round++) {
            try {
                if (v2 && Files.exists(dir.resolve("cgroup.kill"))) Files.writeString(dir.resolve("cgroup.kill"), "1");
                else for (String pid : Files.readAllLines(dir.resolve("cgroup.procs"))) {
                    if (!pid.isBlank()) ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
                }
                Files.delete(dir);
                return;
            } catch (IOException | RuntimeException e) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    Path dir() {
        return dir;
    }
}
