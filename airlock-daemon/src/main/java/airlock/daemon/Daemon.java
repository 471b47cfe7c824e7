package airlock.daemon;

import airlock.protocol.ExitCodes;
import airlock.protocol.FrameWriter;
import airlock.rules.ConfigError;
import airlock.rules.Policy;
import airlock.rules.Profile;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** Listens on one socket per profile and hands each connection to a {@link Session} on its own thread (see {@link SocketThreads}). */
public final class Daemon implements Closeable {
    /** Sessions running at once, all profiles together; more connections are refused at once. */
    static final int MAX_SESSIONS = 512;
    static final Duration FIRST_FRAME_TIMEOUT = Duration.ofSeconds(10);

    private final ConfigDirectory dir;
    private final AtomicReference<Policy> policy;
    private final Session.Context context;
    private final Semaphore sessions;
    private final List<AFUNIXServerSocket> servers = new ArrayList<>();
    private final List<Path> socketFiles = new ArrayList<>();

    private Daemon(ConfigDirectory dir, Policy policy, Map<String, String> daemonEnv, PrintStream log,
                   Consumer<SessionRecord> records, Settings settings) {
        this.dir = dir;
        this.policy = new AtomicReference<>(policy);
        this.sessions = new Semaphore(settings.maxSessions());
        this.context = new Session.Context(this.policy::get, Map.copyOf(daemonEnv), new CommandLocks(), records, log,
                settings.firstFrameTimeout());
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
        Policy policy = dir.load();
        Daemon d = new Daemon(dir, policy, daemonEnv, log, records, settings);
        try {
            SocketFile.prepareDirectory(dir.socketsDir());
            log.println("airlock: enabled commands: " + String.join(", ", policy.config().enabled()));
            // in name order: the start-up report reads the same every time (Policy's map has no order)
            for (Profile profile : new java.util.TreeMap<>(policy.profiles()).values()) {
                Path sock = dir.socketOf(profile.name());
                d.listen(profile, sock);
                log.println("airlock: profile " + profile.name() + " listening on " + sock);
            }
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    private void listen(Profile profile, Path sock) throws IOException {
        AFUNIXServerSocket server = SocketFile.bind(sock, profile.socketOwner());
        servers.add(server);
        socketFiles.add(sock);
        Thread.ofPlatform().name("accept-" + profile.name()).daemon(true).start(() -> accept(server, profile.name()));
    }

    private void accept(AFUNIXServerSocket server, String profile) {
        while (!server.isClosed()) {
            AFUNIXSocket s;
            try {
                s = server.accept();
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                continue; // a failed accept must not stop the listener
            }
            if (!sessions.tryAcquire()) {
                SocketThreads.start("busy-" + profile, () -> refuseBusy(s));
                continue;
            }
            Session session = new Session(s, profile, context);
            SocketThreads.start("session-" + profile, () -> {
                try {
                    session.run();
                } finally {
                    sessions.release();
                }
            });
        }
    }

    private void refuseBusy(AFUNIXSocket s) {
        try (s) {
            new FrameWriter(s.getOutputStream()).refusal(ExitCodes.UNREACHABLE,
                    "airlock: the daemon is busy (" + MAX_SESSIONS + " sessions running); try again");
        } catch (IOException e) {
            // the caller left already
        }
    }

    public ConfigDirectory directory() {
        return dir;
    }

    @Override
    public void close() {
        for (AFUNIXServerSocket s : servers) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        for (Path sock : socketFiles) {
            try {
                Files.deleteIfExists(sock);
            } catch (IOException ignored) {
                // a stale socket is replaced at the next start
            }
        }
    }
}
