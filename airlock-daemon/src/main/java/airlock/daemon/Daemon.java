package airlock.daemon;

import airlock.daemon.core.SessionRecord;
import airlock.daemon.listen.unix.AcceptLoop;
import airlock.daemon.listen.unix.PeerCredentials;
import airlock.daemon.pipeline.Admission;
import airlock.daemon.pipeline.CommandLocks;
import airlock.daemon.pipeline.OpenCalls;
import airlock.daemon.pipeline.Pipeline;
import airlock.daemon.pause.PauseDesk;
import airlock.daemon.runs.Runs;
import airlock.rules.ConfigError;
import airlock.rules.Policy;
import airlock.daemon.audit.AuditFiles;
import airlock.daemon.audit.AuditLog;
import airlock.daemon.audit.SessionAudit;
import airlock.daemon.gate.Gate;
import airlock.daemon.gate.ToolChecks;
import airlock.daemon.hooks.HookSettings;
import airlock.daemon.hooks.Hooks;

import airlock.daemon.agent.AgentVerbs;
import airlock.daemon.agent.SecretSlots;
import airlock.daemon.approval.Approvals;
import airlock.daemon.host.HostOps;
import airlock.daemon.vault.HostSecrets;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Wires the running daemon: the policy and its reload, the audit log, the one vault, approvals,
 * the Gate and the request {@link Pipeline}, the profiles' sockets ({@link ProfileSockets}, whose
 * connections the unix listener's {@link AcceptLoop} hands to the pipeline) and the host's control
 * socket over the one table of host operations ({@link HostOps}). What lives above it (the
 * console) sees it only as a {@link DaemonView}. The sockets are the JDK's own unix-domain
 * channels, whose blocking reads and writes park a virtual thread instead of holding an OS thread (junixsocket's virtual-thread
 * poller stalled large outputs); the kernel's peer credentials come from {@link PeerCredentials}.
 */
public final class Daemon implements DaemonView, Closeable {
    /** Sessions running at once, all profiles together; more connections are refused at once. */
    static final int MAX_SESSIONS = 512;
    static final Duration FIRST_FRAME_TIMEOUT = Duration.ofSeconds(10);

    private final ConfigDirectory dir;
    private final AtomicReference<Policy> policy;
    /** The [shadow] candidate, loaded with every configuration applied; empty when off or when it does not load. */
    private final AtomicReference<java.util.Optional<Policy>> shadow = new AtomicReference<>(java.util.Optional.empty());
    private final OpenCalls connections = new OpenCalls();
    /** Runs that outlive their request (the HTTPS API's); interrupted when the daemon stops. */
    private final Runs runs;
    /** Scripts paused for the agent's answer (llm.complete); their runs are kept in {@link #runs}. */
    private final PauseDesk pauses;
    private final ProfileSockets sockets;
    private final HostOps operations;
    private ControlSocket control;
    /** Held from before anything shared is touched until {@link #close()} has released all of it. */
    private DaemonLock lock;
    private final AtomicReference<Hooks> hooks;
    private final AuditLog audit;
    private final PrintStream log;
    private final Reloader reloader;
    /** The one vault: its lock queues the daemon's threads (see VaultLock); handed out only as narrow interfaces. */
    private final airlock.daemon.vault.Vault vault;
    /** Told of every configuration applied after the start (the console follows {@code [ui]}). Guarded by {@code this}. */
    private final List<Follower> followers = new java.util.ArrayList<>();

    private Daemon(ConfigDirectory dir, Policy policy, Map<String, String> daemonEnv, PrintStream log,
                   Consumer<SessionRecord> records, Settings settings, AuditLog audit) {
        this.dir = dir;
        this.log = log;
        this.audit = audit;
        this.policy = new AtomicReference<>(policy);
        this.hooks = new AtomicReference<>(new Hooks(dir.root(), HookSettings.DEFAULT));
        Approvals approvals = new Approvals(this::event, java.time.Clock.systemUTC());
        // one vault for the whole daemon: its lock queues the daemon's threads (see VaultLock)
        airlock.daemon.vault.Vault vault = airlock.daemon.vault.Vault.at(dir.vaultDir());
        this.vault = vault;
        // the agent's verbs see the real vault unless a test hands in slots of its own
        SecretSlots slots = settings.secrets() == SecretSlots.NONE ? new airlock.daemon.agent.VaultSlots(vault, this.policy::get)
                : settings.secrets();
        Admission admission = new Admission(this.policy::get, new AgentVerbs(slots), approvals);
        // one sandbox for the Gate's sandbox layer and the runs: what the one finds, the other starts
        airlock.daemon.sandbox.SandboxLauncher sandbox = airlock.daemon.sandbox.SandboxLauncher.of(dir.root().toAbsolutePath());
        // scripts that pause for the agent's answer: kept as runs, answered through the shim's verbs or the API
        this.pauses = new PauseDesk(this.policy::get, this::runs, this::event, log, Path.of(System.getProperty("java.io.tmpdir")),
                dir.root().resolve("state").resolve("interrupted-runs"));
        Pipeline pipeline = new Pipeline(new Pipeline.Context(this.policy::get, Map.copyOf(daemonEnv), new CommandLocks(), records, log,
                this.hooks::get, new SessionAudit(audit, log), new Gate(ToolChecks.builtin(), sandbox), admission, vault, sandbox,
                settings.outputHold(), this.shadow::get), pauses);
        this.runs = new Runs(pipeline, connections, () -> this.policy.get().config().api().runs(),
                Path.of(System.getProperty("java.io.tmpdir")), log);
        runs.answersBy(pauses);
        this.reloader = new Reloader(dir, this::apply, log, audit);
        this.reloader.watchAlso(this::shadowDirectories);
        this.sockets = new ProfileSockets(dir, this.policy::get, connections, approvals,
                new AcceptLoop(settings.maxSessions(), MAX_SESSIONS, connections, pipeline, settings.firstFrameTimeout(), log), log,
                this::event);
        this.operations = new HostOps(approvals, reloader::reload, new com.sun.security.auth.module.UnixSystem().getUid(),
                airlock.daemon.listen.unix.PeerCredentials.ownContainer());
    }

    /**
     * Limits an operator (or a test) may tighten, and the secret slots the agent's verbs see
     * ({@link SecretSlots#NONE} until the vault is plugged in), and how long a run's output is
     * held for redaction (a test may lengthen it so the machine's speed cannot decide what it
     * sees; no configuration file reaches it).
     */
    public record Settings(int maxSessions, Duration firstFrameTimeout, SecretSlots secrets, Duration outputHold) {
        public static final Settings DEFAULT = new Settings(MAX_SESSIONS, FIRST_FRAME_TIMEOUT);

        public Settings(int maxSessions, Duration firstFrameTimeout) {
            this(maxSessions, firstFrameTimeout, SecretSlots.NONE);
        }

        public Settings(int maxSessions, Duration firstFrameTimeout, SecretSlots secrets) {
            this(maxSessions, firstFrameTimeout, secrets, Duration.ofNanos(airlock.daemon.redact.RedactedOutput.HOLD_NANOS));
        }
    }

    /**
     * Something outside this package that runs with the daemon and follows its configuration (the
     * console, which lives above it). Called with every configuration a reload applies, after the
     * sockets changed; a failure is reported as a reload applied only in part.
     */
    @FunctionalInterface
    public interface Follower {
        void applied(Policy policy) throws IOException;
    }

    /** From now on {@code f} is told of every reloaded configuration. */
    public synchronized void follow(Follower f) {
        followers.add(f);
    }

    /** Loads the config and opens every profile's socket; fails (and opens nothing) when the config is bad. */
    public static Daemon start(ConfigDirectory dir, Map<String, String> daemonEnv, PrintStream log) throws ConfigError, IOException {
        return start(dir, daemonEnv, log, record -> {}, Settings.DEFAULT);
    }

    public static Daemon start(ConfigDirectory dir, Map<String, String> daemonEnv, PrintStream log,
                               Consumer<SessionRecord> records, Settings settings) throws ConfigError, IOException {
        // First of all: until this process knows it is the only daemon on the directory it must
        // not touch the audit log, the vault, the sockets or the run folders of the one running.
        DaemonLock lock = DaemonLock.acquire(dir.root());
        Daemon d;
        try {
            airlock.daemon.vault.VaultStartup.requireSafe(dir.vaultDir());
            Policy policy = dir.load();
            AuditLog audit = policy.config().log().path() == null
                    ? AuditLog.open(dir.auditDir(), maxBytes(policy), policy.config().log().maxFiles())
                    : AuditLog.openFile(dir.auditFile(policy.config().log()), maxBytes(policy), policy.config().log().maxFiles(),
                            java.time.Clock.systemUTC());
            d = new Daemon(dir, policy, daemonEnv, log, records, settings, audit);
        } catch (ConfigError | IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
        d.lock = lock;
        Policy policy = d.policy.get();
        AuditLog audit = d.audit;
        try {
            SocketFile.prepareDirectory(dir.socketsDir());
            try {
                PeerCredentials.selfTest();
            } catch (IOException e) {
                throw new IOException("cannot read callers' credentials from the kernel, so no caller could be identified: "
                        + e.getMessage(), e);
            }
            log.println("airlock: enabled commands: " + String.join(", ", policy.config().enabled()));
            log.println("airlock: audit log " + audit.file());
            d.hooks.set(new Hooks(dir.root(), hookSettings(policy)));
            d.apply(policy, false);
            // after the profiles' sockets: a second daemon is told about the socket an operator knows
            d.control = ControlSocket.open(dir.controlSocket(), d.operations, log);
            // only once the sockets show this daemon is the only one: the sweep removes every run
            // folder, and a second daemon must not delete a running one's secret files
            airlock.daemon.vault.VaultStartup.afterStart(dir.vaultDir(), audit, log);
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    private static long maxBytes(Policy p) {
        return Math.max(1, p.config().log().maxSizeMb()) * 1024 * 1024;
    }

    private static HookSettings hookSettings(Policy p) {
        return new HookSettings(Duration.ofSeconds(p.config().hooks().timeoutSeconds()), HookSettings.DEFAULT_MAX_BUFFERED_OUTPUT);
    }

    /**
     * Makes a reloaded configuration the running one: the next request on any socket sees it, a
     * new profile gets its socket, a removed one loses it (its sessions already running finish).
     * A profile that expired or was revoked loses its socket and its running sessions; one whose
     * {@code rotated} changed gets a new socket (a new inode) at the same path.
     */
    synchronized void apply(Policy next) throws IOException {
        apply(next, true);
    }

    private synchronized void apply(Policy next, boolean reload) throws IOException {
        policy.set(next);
        shadowOf(next);
        airlock.daemon.vault.VaultStartup.copyJournal(dir.vaultDir(), audit, log);
        hooks.set(new Hooks(dir.root(), hookSettings(next)));
        audit.limits(maxBytes(next), next.config().log().maxFiles());
        if (!dir.auditFile(next.config().log()).toAbsolutePath().equals(audit.file().toAbsolutePath())) {
            log.println("airlock: [log] path changed; the audit log stays " + audit.file() + " until the daemon restarts");
        }
        sockets.apply(next, reload);
        for (Follower f : followers) f.applied(next);
    }

    /**
     * Loads the candidate {@code next}'s {@code [shadow]} names, with the live vault (a candidate
     * has none of its own). One that does not load is said on stderr and in the audit log with
     * its file, line and key, and shadowing stops; the live configuration is applied all the same.
     */
    private void shadowOf(Policy next) {
        java.util.Optional<String> named = next.config().shadow().config();
        if (named.isEmpty()) {
            if (shadow.getAndSet(java.util.Optional.empty()).isPresent()) {
                log.println("airlock: shadow: no [shadow] in config.toml any more; shadowing stopped");
                event("shadow-stopped", "no [shadow] in config.toml");
            }
            return;
        }
        java.nio.file.Path candidate = dir.resolve(named.get());
        try {
            Policy p = new ConfigDirectory(candidate).load(dir.vaultDir());
            shadow.set(java.util.Optional.of(p));
            log.println("airlock: shadow: every request is judged by the candidate " + candidate + " too (never acted on)");
            event("shadow", "candidate " + candidate + ": profiles " + String.join(", ", new java.util.TreeSet<>(p.profiles().keySet()))
                    + "; commands " + String.join(", ", p.config().enabled()));
        } catch (ConfigError | IOException | RuntimeException e) {
            shadow.set(java.util.Optional.empty());
            String why = e instanceof ConfigError ? e.getMessage() : e instanceof java.nio.file.NoSuchFileException n
                    ? "no " + n.getFile() : e.toString();
            log.println("airlock: shadow: the candidate " + candidate + " does not load, so shadowing stops (the live"
                    + " configuration is untouched): " + why);
            event("shadow-failed", "candidate " + candidate + ": " + why);
        }
    }

    /** The candidate's folders, watched with the live ones so an edit of the candidate reloads it. */
    private List<java.nio.file.Path> shadowDirectories() {
        java.util.Optional<String> named = policy.get().config().shadow().config();
        if (named.isEmpty()) return List.of();
        ConfigDirectory c = new ConfigDirectory(dir.resolve(named.get()));
        return List.of(c.root(), c.profilesDir(), c.commandsDir());
    }

    private void event(String type, String detail) {
        try {
            audit.event(type, detail);
        } catch (airlock.daemon.audit.AuditLogException e) {
            log.println("airlock: AUDIT LOG FAILURE: " + e.getMessage());
        }
    }

    /** Re-reads the config dir on SIGHUP or a change to it; see {@link Reloader}. */
    public Reloader reloader() {
        return reloader;
    }

    @Override
    public java.util.Set<String> listening() {
        return sockets.listening();
    }

    /** Sessions running on {@code profile} now (for tests and the operator). */
    public int running(String profile) {
        return connections.count(profile);
    }

    /**
     * The daemon's one vault, for the wiring above it (the HTTPS API seals its keys under the
     * vault's master key and takes secret requests): one instance, so every thread meets the same
     * lock (see VaultLock). The console never gets it (it has {@link #secrets}).
     */
    public airlock.daemon.vault.Vault vault() {
        return vault;
    }

    @Override
    public List<airlock.daemon.runs.Run.View> pausedRuns() {
        return runs.waiting().stream().map(airlock.daemon.runs.Run::view).filter(v -> v.waiting().isPresent()).toList();
    }

    /** The runs started over the HTTPS API (the API's listener is their only caller). */
    public Runs runs() {
        return runs;
    }

    @Override
    public HostOps operations() {
        return operations;
    }

    /** The daemon's one vault as the console may use it: no method returns a value. */
    @Override
    public HostSecrets secrets() {
        return vault;
    }

    @Override
    public ConfigDirectory directory() {
        return dir;
    }

    /** The running policy, as the next request will see it (the console reads it; it keeps no copy). */
    @Override
    public Policy policy() {
        return policy.get();
    }

    @Override
    public synchronized void close() {
        reloader.close();
        // before the audit log closes: an interrupted run's record is written
        pauses.stopping();
        runs.close();
        pauses.close();
        if (control != null) control.close();
        sockets.close();
        audit.close();
        if (lock != null) lock.close();
    }
}
