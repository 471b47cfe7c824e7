package airlock.daemon;

import airlock.daemon.core.SessionRecord;
import airlock.daemon.listen.unix.PeerCredentials;
import airlock.daemon.listen.unix.UnixCall;
import airlock.daemon.pipeline.Admission;
import airlock.daemon.pipeline.CommandLocks;
import airlock.daemon.pipeline.OpenCalls;
import airlock.daemon.pipeline.Pipeline;
import airlock.protocol.ExitCodes;
import airlock.rules.ConfigError;
import airlock.rules.Policy;
import airlock.rules.Profile;
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
import airlock.daemon.lifecycle.Expiries;
import airlock.daemon.lifecycle.ProfileState;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Listens on one socket per profile and hands each connection to a {@link UnixCall} on its own
 * virtual thread. The sockets are the JDK's own unix-domain channels, whose blocking reads and
 * writes park a virtual thread instead of holding an OS thread (junixsocket's virtual-thread
 * poller stalled large outputs); the kernel's peer credentials come from {@link PeerCredentials}.
 */
public final class Daemon implements Closeable {
    /** Sessions running at once, all profiles together; more connections are refused at once. */
    static final int MAX_SESSIONS = 512;
    static final Duration FIRST_FRAME_TIMEOUT = Duration.ofSeconds(10);

    private final ConfigDirectory dir;
    private final AtomicReference<Policy> policy;
    private final Pipeline pipeline;
    private final Duration firstFrameTimeout;
    private final Semaphore sessions;
    /** Open sockets by profile; changed by a reload. Guarded by {@code this}. */
    private final Map<String, Listening> servers = new LinkedHashMap<>();
    /** Profiles without a socket because they expired or were revoked, with that state. Guarded by {@code this}. */
    private final Map<String, ProfileState> inactive = new LinkedHashMap<>();
    /**
     * The sockets of those profiles, kept open so that a caller (a container that mounted the
     * socket file) is told the profile expired or was revoked, and why, instead of meeting no
     * daemon at all. Every connection on one is refused before anything is judged or run
     * (a {@link UnixCall} on a stopped profile). Guarded by {@code this}.
     */
    private final Map<String, Listening> tombstones = new LinkedHashMap<>();
    private final OpenCalls connections = new OpenCalls();
    private final Approvals approvals;
    private final Expiries expiries = new Expiries(this::expire);
    private ControlSocket control;
    /** Held from before anything shared is touched until {@link #close()} has released all of it. */
    private DaemonLock lock;
    private final AtomicReference<Hooks> hooks;
    private final AuditLog audit;
    private final PrintStream log;
    private final Reloader reloader;
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
        this.sessions = new Semaphore(settings.maxSessions());
        this.approvals = new Approvals(this::event, java.time.Clock.systemUTC());
        // one vault for the whole daemon: its lock queues the daemon's threads (see VaultLock)
        airlock.daemon.vault.Vault vault = airlock.daemon.vault.Vault.at(dir.vaultDir());
        this.vault = vault;
        // the agent's verbs see the real vault unless a test hands in slots of its own
        SecretSlots slots = settings.secrets() == SecretSlots.NONE ? new airlock.daemon.agent.VaultSlots(vault, this.policy::get)
                : settings.secrets();
        Admission admission = new Admission(this.policy::get, new AgentVerbs(slots), approvals);
        this.firstFrameTimeout = settings.firstFrameTimeout();
        // one sandbox for the Gate's sandbox layer and the runs: what the one finds, the other starts
        airlock.daemon.sandbox.SandboxLauncher sandbox = airlock.daemon.sandbox.SandboxLauncher.of(dir.root().toAbsolutePath());
        this.pipeline = new Pipeline(new Pipeline.Context(this.policy::get, Map.copyOf(daemonEnv), new CommandLocks(), records, log,
                this.hooks::get, new SessionAudit(audit, log), new Gate(ToolChecks.builtin(), sandbox), admission, vault, sandbox));
        this.reloader = new Reloader(dir, this::apply, log, audit);
    }

    /**
     * Limits an operator (or a test) may tighten, and the secret slots the agent's verbs see
     * ({@link SecretSlots#NONE} until the vault is plugged in).
     */
    public record Settings(int maxSessions, Duration firstFrameTimeout, SecretSlots secrets) {
        public static final Settings DEFAULT = new Settings(MAX_SESSIONS, FIRST_FRAME_TIMEOUT);

        public Settings(int maxSessions, Duration firstFrameTimeout) {
            this(maxSessions, firstFrameTimeout, SecretSlots.NONE);
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
            d.control = ControlSocket.open(dir.controlSocket(), d.approvals, d.reloader::reload, log);
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

    /** A profile's open socket and the lifecycle values it was opened with. */
    private record Listening(ServerSocketChannel server, Thread acceptor, Optional<Instant> rotated, Optional<String> lockId) {}

    private synchronized void listen(Profile profile) throws IOException {
        Path sock = dir.socketOf(profile.name());
        connections.resume(profile.name());
        ServerSocketChannel server = SocketFile.bind(sock, profile.socketOwner());
        Thread acceptor = Thread.ofPlatform().name("accept-" + profile.name()).daemon(true).unstarted(() -> accept(server, profile.name()));
        servers.put(profile.name(), new Listening(server, acceptor, profile.lifecycle().rotated(), lockId(profile)));
        acceptor.start();
        log.println("airlock: profile " + profile.name() + " listening on " + sock
                + profile.lifecycle().expires().map(t -> " until " + t).orElse("")
                + (profile.lifecycle().lock().isPresent() ? " (locked)" : ""));
    }

    private static Optional<String> lockId(Profile p) {
        return p.lifecycle().lock().map(Profile.Lock::id);
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
        airlock.daemon.vault.VaultStartup.copyJournal(dir.vaultDir(), audit, log);
        hooks.set(new Hooks(dir.root(), hookSettings(next)));
        audit.limits(maxBytes(next), next.config().log().maxFiles());
        if (!dir.auditFile(next.config().log()).toAbsolutePath().equals(audit.file().toAbsolutePath())) {
            log.println("airlock: [log] path changed; the audit log stays " + audit.file() + " until the daemon restarts");
        }
        for (String name : List.copyOf(servers.keySet())) {
            if (!next.profiles().containsKey(name)) {
                stopListening(servers.remove(name));
                Files.deleteIfExists(dir.socketOf(name));
                log.println("airlock: profile " + name + " removed; its socket is closed");
            }
        }
        for (String name : List.copyOf(tombstones.keySet())) {
            if (!next.profiles().containsKey(name)) bury(name);
        }
        inactive.keySet().retainAll(next.profiles().keySet());
        Instant now = Instant.now();
        Map<String, Instant> future = new java.util.HashMap<>();
        // in name order: the start-up report reads the same every time (Policy's map has no order)
        for (Profile profile : new java.util.TreeMap<>(next.profiles()).values()) {
            String name = profile.name();
            ProfileState state = ProfileState.of(profile, now);
            Listening l = servers.get(name);
            if (!state.active()) {
                if (l != null || !state.equals(inactive.get(name))) deactivate(profile, state, reload || l != null);
                Listening t = tombstones.get(name);
                // rotated while stopped: whoever holds the old inode loses even the refusals
                if (t != null && !t.rotated().equals(profile.lifecycle().rotated())) {
                    bury(name);
                    tombstone(profile);
                }
                continue;
            }
            profile.lifecycle().expires().ifPresent(t -> future.put(name, t));
            if (l == null) {
                boolean restored = inactive.remove(name) != null;
                // a restored profile gets a new socket (a new inode): the stopped one's mounts stay cut off
                if (tombstones.containsKey(name)) bury(name);
                listen(profile);
                if (restored) event("profile-restored", "profile " + name + " is active again; its socket is open");
            } else if (!l.rotated().equals(profile.lifecycle().rotated())) {
                rotate(profile);
            } else if (!l.lockId().equals(lockId(profile))) {
                servers.put(name, new Listening(l.server(), l.acceptor(), l.rotated(), lockId(profile)));
                event(lockId(profile).isPresent() ? "profile-locked" : "profile-unlocked", "profile " + name
                        + lockId(profile).map(id -> ": requests need key ark_" + id + ":...").orElse(": requests need no key"));
            }
        }
        expiries.schedule(future);
        for (Follower f : followers) f.applied(next);
    }

    /**
     * Ends a profile that expired or was revoked: waiting approvals end, every running session is
     * stopped with the reason, and its socket stays (the same inode, which a container may have
     * mounted) as a tombstone that refuses every request with that reason.
     */
    private void deactivate(Profile profile, ProfileState state, boolean transition) throws IOException {
        String name = profile.name();
        String message = ProfileState.refusal(name, state).orElseThrow();
        Listening l = servers.remove(name);
        // stopped first: from here on each connection the acceptor takes is refused, never served
        int stopped = connections.stop(name, ExitCodes.REFUSED, message, true);
        if (l != null) tombstones.put(name, l);
        else if (!tombstones.containsKey(name)) tombstone(profile);
        approvals.stop(name, message);
        inactive.put(name, state);
        String what = switch (state) {
            case ProfileState.Expired e -> "expired at " + e.at();
            case ProfileState.Revoked r -> "revoked at " + r.at() + (r.reason().isEmpty() ? "" : " (" + r.reason() + ")");
            case ProfileState.Active a -> "active";
        };
        log.println("airlock: profile " + name + " " + what + "; its socket refuses every request with that reason"
                + (stopped > 0 ? ", " + stopped + " session(s) stopped" : ""));
        event(transition ? "profile-" + state.word() : "profile-inactive", "profile " + name + " " + what
                + "; its socket refuses every request; " + stopped + " session(s) stopped");
    }

    /** A socket for a profile that is stopped already (at start, or rotated while stopped): it only refuses. */
    private void tombstone(Profile profile) throws IOException {
        String name = profile.name();
        ServerSocketChannel server = SocketFile.bind(dir.socketOf(name), profile.socketOwner());
        Thread acceptor = Thread.ofPlatform().name("accept-" + name).daemon(true).unstarted(() -> accept(server, name));
        tombstones.put(name, new Listening(server, acceptor, profile.lifecycle().rotated(), lockId(profile)));
        acceptor.start();
    }

    /** Closes and removes a stopped profile's socket (restored, rotated or removed). */
    private void bury(String name) throws IOException {
        stopListening(tombstones.remove(name));
        Files.deleteIfExists(dir.socketOf(name));
    }

    /** A new socket at the same path: whoever holds the old inode (a mount, a hard link) loses access. */
    private void rotate(Profile profile) throws IOException {
        String name = profile.name();
        Listening l = servers.remove(name);
        stopListening(l);
        Files.deleteIfExists(dir.socketOf(name));
        int stopped = connections.stop(name, ExitCodes.REFUSED, "airlock: profile '" + name + "' was rotated on the host;"
                + " this socket no longer works (a container started with the profile's socket path now gets the new one)", false);
        approvals.stop(name, "airlock: profile '" + name + "' was rotated on the host; the request was not approved");
        listen(profile);
        event("profile-rotated", "profile " + name + " has a new socket" + lockId(profile).map(id -> " and key ark_" + id + ":...").orElse("")
                + "; " + stopped + " session(s) on the old one stopped");
    }

    /** The timer's call at a profile's expiry instant. */
    private synchronized void expire(String name) {
        Profile p = policy.get().profiles().get(name);
        if (p == null || !servers.containsKey(name)) return;
        ProfileState state = ProfileState.of(p, Instant.now());
        if (state.active()) return;
        try {
            deactivate(p, state, true);
        } catch (IOException e) {
            log.println("airlock: profile " + name + " expired but its socket could not be kept as a refusing one: " + e);
        }
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

    public synchronized java.util.Set<String> listening() {
        return java.util.Set.copyOf(servers.keySet());
    }

    private void accept(ServerSocketChannel server, String profile) {
        while (server.isOpen()) {
            SocketChannel s;
            try {
                s = server.accept();
            } catch (ClosedChannelException e) {
                return; // closed by a reload or at shut-down
            } catch (IOException e) {
                continue; // a failed accept must not stop the listener
            }
            if (!sessions.tryAcquire()) {
                Thread.ofVirtual().name("busy-" + profile).start(() -> refuseBusy(s));
                continue;
            }
            // registered with the profile's open calls; on a stopped profile the caller is told why
            // and nothing is judged or run
            UnixCall call = UnixCall.of(s, profile, pipeline, firstFrameTimeout, log, connections);
            Thread.ofVirtual().name("session-" + profile).start(() -> {
                try {
                    call.run();
                } finally {
                    sessions.release();
                }
            });
        }
    }

    /** Sessions running on {@code profile} now (for tests and the operator). */
    public int running(String profile) {
        return connections.count(profile);
    }

    private void refuseBusy(SocketChannel s) {
        UnixCall.refuse(s, ExitCodes.UNREACHABLE, "airlock: the daemon is busy (" + MAX_SESSIONS + " sessions running); try again");
    }

    /** Requests waiting for a person: the console lists and decides them, as the control socket does. */
    public Approvals approvals() {
        return approvals;
    }

    public ConfigDirectory directory() {
        return dir;
    }

    /** The daemon's one vault: whatever in the daemon reads or changes secrets uses this instance. */
    public airlock.daemon.vault.Vault vault() {
        return vault;
    }

    /** The running policy, as the next request will see it (the console reads it; it keeps no copy). */
    public Policy policy() {
        return policy.get();
    }

    @Override
    public synchronized void close() {
        reloader.close();
        expiries.close();
        if (control != null) control.close();
        for (var e : servers.entrySet()) {
            stopListening(e.getValue());
            try {
                Files.deleteIfExists(dir.socketOf(e.getKey()));
            } catch (IOException ignored) {
                // a stale socket is replaced at the next start
            }
        }
        servers.clear();
        for (String name : List.copyOf(tombstones.keySet())) {
            try {
                bury(name);
            } catch (IOException ignored) {
                // a stale socket is replaced at the next start
            }
        }
        audit.close();
        if (lock != null) lock.close();
    }

    /**
     * Closes a profile's socket and waits for its accept thread to end. A thread blocked in
     * accept(2) holds the listening socket until the close's signal reaches it: until then a
     * hard link or a container mount of the old socket can still connect (and after a rotation,
     * be served). Once the thread is gone, every connection it took is registered, so a stop
     * that follows reaches it.
     */
    private static void stopListening(Listening l) {
        closeQuietly(l.server());
        try {
            l.acceptor().join(java.time.Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(ServerSocketChannel s) {
        try {
            if (s != null) s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
