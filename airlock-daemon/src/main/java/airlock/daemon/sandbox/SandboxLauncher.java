package airlock.daemon.sandbox;

import airlock.daemon.core.Executables;
import airlock.daemon.core.Plan;
import airlock.rules.SandboxSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns a plan into the process ToolRun starts: the plan's argv as it is for a module without
 * [sandbox], else bubblewrap around it with the module's limits. Fails closed: when the sandbox
 * (or a limit it asks for) cannot be had, nothing runs.
 *
 * @param hidden paths never visible inside a sandbox: the daemon's config directory at least
 */
public record SandboxLauncher(List<Path> hidden, Function<String, Bubblewrap.Availability> bubblewrap, Redaction redaction,
                              Optional<PythonEnvironments> python, List<Path> secretFiles) {
    private static final long MB = 1024L * 1024;

    public SandboxLauncher {
        hidden = hidden.stream().flatMap(h -> java.util.stream.Stream.of(h.toAbsolutePath(), realOrAsIs(h))).distinct().toList();
        secretFiles = List.copyOf(secretFiles);
    }

    public SandboxLauncher(List<Path> hidden, Function<String, Bubblewrap.Availability> bubblewrap, Redaction redaction,
                           Optional<PythonEnvironments> python) {
        this(hidden, bubblewrap, redaction, python, List.of());
    }

    /** bubblewrap found on the plan's PATH (or /usr/bin) and probed for every sandboxed run. */
    public SandboxLauncher(List<Path> hidden) {
        this(hidden, Bubblewrap::probe, Redaction.NONE, Optional.empty());
    }

    public SandboxLauncher(List<Path> hidden, Function<String, Bubblewrap.Availability> bubblewrap) {
        this(hidden, bubblewrap, Redaction.NONE, Optional.empty());
    }

    /** The daemon's: its config directory hidden, the profiles' Python environments kept in it. */
    public static SandboxLauncher of(Path configDirectory) {
        return new SandboxLauncher(List.of(configDirectory), new ProbedBubblewrap(), Redaction.NONE,
                Optional.of(new PythonEnvironments(configDirectory.resolve("python"))));
    }

    /** The same sandbox, with the redactor that scans the files a run wrote (the profile's secrets). */
    public SandboxLauncher withRedaction(Redaction r) {
        return new SandboxLauncher(hidden, bubblewrap, r, python, secretFiles);
    }

    public SandboxLauncher withBubblewrap(Function<String, Bubblewrap.Availability> b) {
        return new SandboxLauncher(hidden, b, redaction, python, secretFiles);
    }

    /**
     * For one run that holds secrets (the vault's RunSecrets): the folder of its secret files
     * bound read-only (it lies in the config directory, which is hidden otherwise) and the file
     * scan redacting every form of its secrets.
     */
    public SandboxLauncher forRun(Optional<Path> secretFileDirectory, Redaction r) {
        return new SandboxLauncher(hidden, bubblewrap, r, python, secretFileDirectory.map(List::of).orElse(List.of()));
    }

    /**
     * The same, with {@code directory} bound read-only too and handed to the run's user like the
     * secret files (a paused script's channel: its socket, its Python module).
     */
    public SandboxLauncher alsoBinding(Path directory) {
        List<Path> all = new ArrayList<>(secretFiles);
        all.add(directory);
        return new SandboxLauncher(hidden, bubblewrap, redaction, python, all);
    }

    /**
     * What a sandboxed run needs, found and checked without starting or changing anything: the
     * Gate's sandbox layer asks this before any secret is read ({@code airlock test} shows it),
     * and {@link #launch} starts from it. Empty for a module without [sandbox].
     */
    public Optional<Prepared> prepare(Plan plan) throws SandboxUnavailable {
        Optional<SandboxSpec> spec = plan.module().sandbox();
        if (spec.isEmpty()) return Optional.empty();
        SandboxSpec s = spec.get();
        String path = plan.env().get("PATH");
        Path bwrap = switch (bubblewrap.apply(path)) {
            case Bubblewrap.Availability.Ready r -> r.bwrap();
            case Bubblewrap.Availability.Unavailable u -> throw new SandboxUnavailable("bubblewrap", u.message()
                    + " ('" + plan.module().name() + "' asks for [sandbox]; 'airlock doctor' checks the host)");
        };
        // resolved like the mounts: a home or config directory reached through a symlink must
        // still be found inside a mount (and hidden)
        Path home = realOrAsIs(Path.of(plan.env().getOrDefault("HOME", System.getProperty("user.home"))));
        List<Path> mounts = new ArrayList<>();
        for (String host : plan.profile().mounts().values()) {
            try {
                mounts.add(Path.of(host).toRealPath());
            } catch (IOException e) {
                // a mount that does not exist binds nothing
            }
        }
        Path cwdMount = mounts.stream().filter(m -> plan.cwd().startsWith(m)).max(Comparator.comparingInt(Path::getNameCount))
                .orElseThrow(() -> new SandboxUnavailable("mounts", "airlock: refused by the sandbox layer: the working directory "
                        + plan.cwd() + " is in none of the profile's [mounts]"));
        mounts.remove(cwdMount);
        for (Path m : mounts) {
            if (home.startsWith(m)) throw new SandboxUnavailable("home", "airlock: refused by the sandbox layer: the mount " + m
                    + " holds the host home, which a sandbox hides; mount a directory inside it instead");
        }
        if (home.startsWith(cwdMount)) throw new SandboxUnavailable("home", "airlock: refused by the sandbox layer: the mount "
                + cwdMount + " holds the host home, which a sandbox hides; mount a directory inside it instead");
        Optional<RunAs> runAs = runAs(s, cwdMount, path);
        if (s.venv() != SandboxSpec.Venv.NONE) {
            PythonEnvironments envs = python.orElseThrow(() -> new SandboxUnavailable("python", "airlock: refused by the sandbox"
                    + " layer: '" + plan.module().name() + "' asks for the profile's Python environment, which this daemon does not keep"));
            if (envs.exists(plan.profile().name())) requireHostPython(envs, plan.profile().name(), plan);
        }
        // network = true: a namespace of the run's own, under a root daemon or not; what it needs
        // here (nsenter, pasta, ip or unshare, a tap device, iptables for network_allow)
        List<String> missing = UserNetwork.missing(s, path);
        if (!missing.isEmpty()) throw new SandboxUnavailable("network", missing.getFirst());
        Optional<Path> nsenter = s.network() && !s.hostNetwork() ? UserNetwork.nsenter(path) : Optional.empty();
        try {
            rlimits(s, (s.processes() > 0 || s.memoryMb() > 0) && Cgroup.available(), path);
        } catch (IOException e) {
            throw new SandboxUnavailable("prlimit", "airlock: refused by the sandbox layer: " + e.getMessage());
        }
        return Optional.of(new Prepared(s, path, bwrap, home, List.copyOf(mounts), cwdMount, runAs, nsenter));
    }

    /** What {@link #prepare} found: the sandbox's spec, bubblewrap, the mounts, who the run is, how it enters its network. */
    public record Prepared(SandboxSpec spec, String path, Path bwrap, Path home, List<Path> otherMounts, Path cwdMount,
                           Optional<RunAs> runAs, Optional<Path> nsenter) {}

    public Launch launch(Plan plan) throws SandboxUnavailable {
        Optional<Prepared> prepared = prepare(plan);
        if (prepared.isEmpty()) {
            // every run in a cgroup of its own when the host gives one: what it leaves behind
            // (a double-forked, setsid grandchild holding the run's secrets) is killed at its end,
            // and the control socket knows it for one of the runs
            Optional<Cgroup> group = Cgroup.create(0, 0);
            if (group.isEmpty()) return Launch.direct(plan.argv());
            List<String> argv = new ArrayList<>(group.get().joinThenExec());
            argv.addAll(plan.argv());
            return new Launch(argv, false, Duration.ZERO, 0, 0, 0, group, Optional.empty(), Redaction.NONE, Launch.AfterSuccess.NOTHING);
        }
        Prepared p = prepared.get();
        SandboxSpec s = p.spec();
        String path = p.path();
        Path bwrap = p.bwrap();
        Path home = p.home();
        Path cwdMount = p.cwdMount();
        List<Path> mounts = p.otherMounts();
        Optional<RunAs> runAs = p.runAs();
        List<String> argv0 = new ArrayList<>(plan.argv());
        List<SandboxRequest.Bind> extra = new ArrayList<>();
        Launch.AfterSuccess keep = venv(plan, s, argv0, extra);
        for (Path d : secretFiles) extra.add(new SandboxRequest.Bind(d, false));
        if (runAs.isPresent()) {
            // what the tool must read (its secret files) or write (pip's environment) becomes the
            // run's user's; the folders stay inside the hidden config directory
            try {
                for (SandboxRequest.Bind b : extra) {
                    if (b.writable() || secretFiles.contains(b.path())) giveTo(b.path(), runAs.get());
                }
            } catch (IOException e) {
                throw new SandboxUnavailable("owner", "airlock: refused by the sandbox layer: cannot hand the run's files to uid "
                        + runAs.get().uid() + ": " + e.getMessage());
            }
        }

        long memoryBytes = s.memoryMb() * MB;
        // network = true: a namespace of the run's own (user-mode networking), never the host's
        // loopback, limited to network_allow when the module lists destinations; the host's own
        // network only by host_network = true. A root daemon names it, a user daemon holds it.
        Optional<UserNetwork> network = Optional.empty();
        List<String> enter = List.of();
        if (p.nsenter().isPresent()) {
            network = Optional.of(UserNetwork.create(s, path));
            enter = network.get().enter(p.nsenter().get());
        }
        Optional<Cgroup> cgroup = s.processes() > 0 || s.memoryMb() > 0 ? Cgroup.create(s.processes(), memoryBytes) : Optional.empty();
        Optional<WriteLayer> written = Optional.empty();
        try {
            List<String> rlimits = rlimits(s, cgroup.isPresent(), path);
            List<String> argv = new ArrayList<>();
            cgroup.ifPresent(g -> argv.addAll(g.joinThenExec()));
            argv.addAll(enter);
            List<String> box = BubblewrapArgv.of(bwrap, new SandboxRequest(s, argv0, plan.cwd(), cwdMount, mounts, home, hidden, extra), rlimits,
                    runAs, network.map(UserNetwork::bubblewrapOptions).orElse(List.of()));
            // only a writable workspace can carry a secret out in a file: such a run writes to a private layer
            written = writeLayer(s, cwdMount, bwrap, path);
            if (written.isPresent()) {
                argv.addAll(written.get().mountThenExec(path));
                box = written.get().bindInstead(box);
            }
            argv.addAll(box);
            return new Launch(argv, true, Duration.ofSeconds(s.timeoutSeconds()), s.outputMb() * MB, s.memoryMb(), s.processes(),
                    cgroup, written, redaction, keep, network);
        } catch (IOException | SandboxUnavailable | RuntimeException e) {
            cgroup.ifPresent(Cgroup::close);
            written.ifPresent(WriteLayer::close);
            network.ifPresent(UserNetwork::close);
            if (e instanceof SandboxUnavailable u) throw u;
            if (e instanceof RuntimeException r) throw r;
            throw new SandboxUnavailable("start", "airlock: refused by the sandbox layer: " + e.getMessage());
        }
    }

    /**
     * Only a writable workspace can carry a secret out in a file, and only a run with a redactor
     * holds one: such a run writes to a private layer (in the config directory's {@code layers},
     * the first of {@code hidden}), applied to the workspace after the scan (docs/sandbox.md).
     */
    private Optional<WriteLayer> writeLayer(SandboxSpec s, Path cwdMount, Path bwrap, String path) throws IOException {
        if (!s.writable() || redaction == Redaction.NONE) return Optional.empty();
        Path root = hidden.isEmpty() ? Path.of(System.getProperty("java.io.tmpdir"), "airlock-layers") : hidden.getFirst().resolve("layers");
        return Optional.of(WriteLayer.create(root, cwdMount, bwrap, hidden));
    }

    /**
     * {@code venv = "use"}: the profile's environment's python, read-only (the system's while it
     * has none). {@code venv = "install"}: its pip, read-write, the environment made first; a
     * successful install or uninstall is kept for {@code airlock python rebuild}.
     */
    private Launch.AfterSuccess venv(Plan plan, SandboxSpec s, List<String> argv, List<SandboxRequest.Bind> extra)
            throws SandboxUnavailable {
        if (s.venv() == SandboxSpec.Venv.NONE) return Launch.AfterSuccess.NOTHING;
        PythonEnvironments envs = python.orElseThrow(() -> new SandboxUnavailable("python", "airlock: refused by the sandbox layer: '"
                + plan.module().name() + "' asks for the profile's Python environment, which this daemon does not keep"));
        String profile = plan.profile().name();
        if (s.venv() == SandboxSpec.Venv.USE) {
            if (!envs.exists(profile)) return Launch.AfterSuccess.NOTHING;
            requireHostPython(envs, profile, plan);
            argv.set(0, envs.python(profile).toString());
            extra.add(new SandboxRequest.Bind(envs.venv(profile), false));
            return Launch.AfterSuccess.NOTHING;
        }
        try {
            if (!envs.exists(profile)) envs.create(profile, plan.executable());
        } catch (IOException e) {
            throw new SandboxUnavailable("python", "airlock: refused by the sandbox layer: the Python environment of profile " + profile
                    + " cannot be made: " + e.getMessage());
        }
        requireHostPython(envs, profile, plan);
        List<String> pipArgs = List.copyOf(argv.subList(1, argv.size()));
        argv.clear();
        argv.addAll(List.of(envs.python(profile).toString(), "-m", "pip"));
        argv.addAll(pipArgs);
        extra.add(new SandboxRequest.Bind(envs.venv(profile), true));
        boolean changes = !pipArgs.isEmpty() && (pipArgs.getFirst().equals("install") || pipArgs.getFirst().equals("uninstall"));
        if (!changes) return Launch.AfterSuccess.NOTHING;
        return () -> envs.keep(profile, new PythonEnvironments.Install(plan.cwd().toString(), pipArgs));
    }

    /**
     * A root daemon's run becomes the workspace's owner (the files it writes are theirs), or nobody
     * when root owns the workspace; never root (see {@link RunAs}). Empty for a daemon that is not
     * root: bubblewrap maps the sandbox to the daemon's own uid.
     */
    private static Optional<RunAs> runAs(SandboxSpec s, Path cwdMount, String path) throws SandboxUnavailable {
        try {
            if (uid() != 0) return Optional.empty();
            int owner = (Integer) Files.getAttribute(cwdMount, "unix:uid");
            int group = (Integer) Files.getAttribute(cwdMount, "unix:gid");
            if (owner == 0 && s.writable()) {
                throw new SandboxUnavailable("owner", "airlock: refused by the sandbox layer: the workspace " + cwdMount + " belongs to root;"
                        + " a sandboxed run never runs as the host's root (it could rewrite the kernel's settings), so this writable"
                        + " run would run as nobody and could write nothing there; give the workspace to the person whose work it is"
                        + " (chown -R USER " + cwdMount + ") or run the daemon as that user");
            }
            int uid = owner == 0 ? RunAs.NOBODY : owner;
            int gid = owner == 0 ? RunAs.NOBODY : group == 0 ? owner : group;
            Path setpriv = Executables.find("/usr/bin/setpriv", null).or(() -> Executables.find("setpriv", path))
                    .filter(p -> realOrAsIs(p).startsWith("/usr"))
                    .orElseThrow(() -> new SandboxUnavailable("setpriv", "airlock: refused by the sandbox layer: setpriv (util-linux) is not"
                            + " installed under /usr; a daemon running as root needs it to run the sandbox as an unprivileged user;"
                            + " install util-linux"));
            return Optional.of(new RunAs(uid, gid, realOrAsIs(setpriv)));
        } catch (IOException e) {
            throw new SandboxUnavailable("owner", "airlock: refused by the sandbox layer: cannot read the owner of " + cwdMount + ": " + e.getMessage());
        }
    }

    /** {@code p} and everything under it (links themselves, never followed) owned by the run's user. */
    private static void giveTo(Path p, RunAs u) throws IOException {
        try (var all = Files.walk(p)) {
            for (Path f : (Iterable<Path>) all::iterator) {
                Files.setAttribute(f, "unix:uid", u.uid(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(f, "unix:gid", u.gid(), LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    /** The real path when it exists (symlinks followed), else the absolute path as given. */
    static Path realOrAsIs(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException | RuntimeException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /**
     * The environment's python must still lead to the host's own: pip runs the agent's setup.py
     * with the environment writable, and a swapped link would choose which host folder the
     * sandbox binds (the tool's installation prefix) and which program runs.
     */
    private static void requireHostPython(PythonEnvironments envs, String profile, Plan plan) throws SandboxUnavailable {
        try {
            if (!envs.python(profile).toRealPath().equals(plan.executable().toRealPath())) {
                throw new SandboxUnavailable("python", "airlock: refused by the sandbox layer: the Python environment of profile " + profile
                        + " no longer runs the host's " + plan.executable() + " (its bin/python3 was changed); rebuild it with"
                        + " 'airlock python rebuild " + profile + "'");
            }
        } catch (IOException e) {
            throw new SandboxUnavailable("python", "airlock: refused by the sandbox layer: the Python environment of profile " + profile
                    + " cannot be checked: " + e.getMessage());
        }
    }

    /**
     * The rlimit fallback, set by prlimit inside the sandbox: RLIMIT_AS for memory (address space,
     * so a program that maps much more than it uses can fail early), RLIMIT_NPROC for processes
     * when no cgroup counts them. RLIMIT_NPROC counts per user namespace, so in bubblewrap's new
     * one it counts only the run's processes; the kernel does not apply it to root, so a daemon
     * running as root needs a pids cgroup.
     */
    private static List<String> rlimits(SandboxSpec s, boolean cgroup, String path) throws SandboxUnavailable, IOException {
        List<String> l = new ArrayList<>();
        if (s.memoryMb() > 0) l.add("--as=" + s.memoryMb() * MB);
        if (s.processes() > 0 && !cgroup) {
            if (uid() == 0) {
                throw new SandboxUnavailable("processes", "airlock: refused by the sandbox layer: [sandbox] processes = " + s.processes()
                        + " cannot be enforced: the daemon runs as root (the kernel exempts root from RLIMIT_NPROC) and"
                        + " has no pids cgroup it may use; run the daemon as a user, or delegate a cgroup to it");
            }
            l.add("--nproc=" + s.processes());
        }
        if (l.isEmpty()) return l;
        Path prlimit = Executables.find("prlimit", path).or(() -> Executables.find("/usr/bin/prlimit", null))
                .orElseThrow(() -> new SandboxUnavailable("prlimit", "airlock: refused by the sandbox layer: prlimit (util-linux) is"
                        + " not installed, so [sandbox] memory_mb/processes cannot be enforced; install util-linux"));
        List<String> out = new ArrayList<>();
        out.add(prlimit.toRealPath().toString());
        out.addAll(l);
        out.add("--");
        return out;
    }

    private static int uid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }
}
