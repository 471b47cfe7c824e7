package airlock.daemon.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A pids (and, on cgroup v2, memory) cgroup of its own for one run, when the host lets the daemon
 * make one: under its own cgroup on v2 when the pids controller is delegated to it, or in the v1
 * pids hierarchy when that is writable. The run joins it before bubblewrap starts, so every
 * process of the tree, in any namespace, is counted and can be killed at once.
 */
public final class Cgroup implements AutoCloseable {
    private final Path dir;
    private final boolean v2;

    private Cgroup(Path dir, boolean v2) {
        this.dir = dir;
        this.v2 = v2;
    }

    /** A fresh cgroup with {@code pids.max} (and memory.max on v2); empty when none can be made. */
    public static Optional<Cgroup> create(long processes, long memoryBytes) {
        for (Candidate c : candidates()) {
            Path dir = c.parent().resolve("airlock-" + UUID.randomUUID());
            try {
                Files.createDirectory(dir);
            } catch (IOException | RuntimeException e) {
                continue;
            }
            Cgroup g = new Cgroup(dir, c.v2());
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

    private record Candidate(Path parent, boolean v2) {}

    /** The daemon's own cgroup on v2, then its place in the v1 pids hierarchy. */
    private static List<Candidate> candidates() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/cgroup"));
            Optional<String> unified = lines.stream().filter(l -> l.startsWith("0::")).map(l -> l.substring(3)).findFirst();
            Optional<String> pids = lines.stream().map(l -> l.split(":", 3)).filter(f -> f.length == 3 && List.of(f[1].split(",")).contains("pids"))
                    .map(f -> f[2]).findFirst();
            List<Candidate> out = new java.util.ArrayList<>();
            for (Path root : List.of(Path.of("/sys/fs/cgroup"), Path.of("/sys/fs/cgroup/unified"))) {
                if (unified.isPresent() && Files.exists(root.resolve("cgroup.controllers"))) {
                    out.add(new Candidate(root.resolve(unified.get().substring(1)), true));
                }
            }
            pids.ifPresent(p -> out.add(new Candidate(Path.of("/sys/fs/cgroup/pids").resolve(p.substring(1)), false)));
            return out;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /**
     * A constant script, never built from a request: it moves itself into the cgroup and then
     * execs bubblewrap, so nothing of the run exists outside the cgroup.
     */
    public List<String> joinThenExec() {
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

    /** True when the kernel killed a process of the run for passing memory.max (v2). */
    public boolean memoryLimitHit() {
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
