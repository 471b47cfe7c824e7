package airlock.daemon;

import airlock.daemon.core.SessionRecord;
import airlock.protocol.ExitCodes;
import airlock.protocol.FrameWriter;
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
import airlock.protocol.ChannelStreams;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Listens on one socket per profile and hands each connection to a {@link Session} on its own
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
    private final Session.Context context;
    private final Semaphore sessions;
    /** Open sockets by profile; changed by a reload. Guarded by {@code this}. */
    private final Map<String, ServerSocketChannel> servers = new LinkedHashMap<>();
    private final AtomicReference<Hooks> hooks;
    private final AuditLog audit;
    private final PrintStream log;
    private final Reloader reloader;

    private Daemon(ConfigDirectory dir, Policy policy, Map<String, String> daemonEnv, PrintStream log,
                   Consumer<SessionRecord> records, Settings settings, AuditLog audit) {
        this.dir = dir;
        this.log = log;
        this.audit = audit;
        this.policy = new AtomicReference<>(policy);
        this.hooks = new AtomicReference<>(new Hooks(dir.root(), HookSettings.DEFAULT));
        this.sessions = new Semaphore(settings.maxSessions());
        this.context = new Session.Context(this.policy::get, Map.copyOf(daemonEnv), new CommandLocks(), records, log,
                settings.firstFrameTimeout(), this.hooks::get, new SessionAudit(audit, log), new Gate(ToolChecks.builtin()),
                airlock.daemon.sandbox.SandboxLauncher.of(dir.root().toAbsolutePath()));
        this.reloader = new Reloader(dir, this::apply, log, audit);
    }

    /** Limits an operator (or a test) may tighten. */
    public record Settings(int maxSessions, Duration firstFrameTimeout) {
        public static final Settings DEFAULT = new Settings(MAX_SESSIONS, FIRST_FRAME_TIMEOUT);
    }

    /** Loads the config and opens every profile's socket; fails (and opens nothing) when the config is bad. */
    public static Daemon start(ConfigDirectory dir, Map<String, String> daemonEnv, PrintStream log) throws ConfigError, IOException {
        return start(dir, daemonEnv, log, record -> {}, Settings.DEFAULT);
    }

    public static Daemon start(ConfigDirectory dir, Map<String, String> daemonEnv, PrintStream log,
                               Consumer<SessionRecord> records, Settings settings) throws ConfigError, IOException {
        airlock.daemon.vault.VaultStartup.requireSafe(dir.vaultDir());
        Policy policy = dir.load();
        AuditLog audit = AuditLog.open(dir.auditDir(), maxBytes(policy), policy.config().log().maxFiles());
        airlock.daemon.vault.VaultStartup.afterStart(dir.vaultDir(), audit, log);
        Daemon d = new Daemon(dir, policy, daemonEnv, log, records, settings, audit);
        try {
            SocketFile.prepareDirectory(dir.socketsDir());
            try {
                PeerCredentials.selfTest();
            } catch (IOException e) {
                throw new IOException("cannot read callers' credentials from the kernel, so no caller could be identified: "
                        + e.getMessage(), e);
            }
            log.println("airlock: enabled commands: " + String.join(", ", policy.config().enabled()));
            log.println("airlock: audit log " + AuditFiles.current(audit.dir()));
            d.hooks.set(new Hooks(dir.root(), hookSettings(policy)));
            // in name order: the start-up report reads the same every time (Policy's map has no order)
            for (Profile profile : new java.util.TreeMap<>(policy.profiles()).values()) d.listen(profile);
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

    private synchronized void listen(Profile profile) throws IOException {
        Path sock = dir.socketOf(profile.name());
        ServerSocketChannel server = SocketFile.bind(sock, profile.socketOwner());
        servers.put(profile.name(), server);
        Thread.ofPlatform().name("accept-" + profile.name()).daemon(true).start(() -> accept(server, profile.name()));
        log.println("airlock: profile " + profile.name() + " listening on " + sock);
    }

    /**
     * Makes a reloaded configuration the running one: the next request on any socket sees it, a
     * new profile gets its socket, a removed one loses it (its sessions already running finish).
     */
    synchronized void apply(Policy next) throws IOException {
        policy.set(next);
        airlock.daemon.vault.VaultStartup.copyJournal(dir.vaultDir(), audit, log);
        hooks.set(new Hooks(dir.root(), hookSettings(next)));
        audit.limits(maxBytes(next), next.config().log().maxFiles());
        for (String name : List.copyOf(servers.keySet())) {
            if (!next.profiles().containsKey(name)) {
                closeQuietly(servers.remove(name));
                Files.deleteIfExists(dir.socketOf(name));
                log.println("airlock: profile " + name + " removed; its socket is closed");
            }
        }
        for (Profile profile : new java.util.TreeMap<>(next.profiles()).values()) {
            if (!servers.containsKey(profile.name())) listen(profile);
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
            Session session = new Session(s, profile, context);
            Thread.ofVirtual().name("session-" + profile).start(() -> {
                try {
                    session.run();
                } finally {
                    sessions.release();
                }
            });
        }
    }

    private void refuseBusy(SocketChannel s) {
        try (s) {
            new FrameWriter(ChannelStreams.out(s)).refusal(ExitCodes.UNREACHABLE,
                    "airlock: the daemon is busy (" + MAX_SESSIONS + " sessions running); try again");
        } catch (IOException e) {
            // the caller left already
        }
    }

    public ConfigDirectory directory() {
        return dir;
    }

    @Override
    public synchronized void close() {
        reloader.close();
        for (var e : servers.entrySet()) {
            closeQuietly(e.getValue());
            try {
                Files.deleteIfExists(dir.socketOf(e.getKey()));
            } catch (IOException ignored) {
                // a stale socket is replaced at the next start
            }
        }
        servers.clear();
        audit.close();
    }

    private static void closeQuietly(ServerSocketChannel s) {
        try {
            if (s != null) s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
