package airlock.daemon;

import airlock.rules.ConfigError;
import airlock.rules.Policy;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** Listens on one socket per profile and hands each connection to a {@link Session} on a virtual thread. */
public final class Daemon implements Closeable {
    private final ConfigDirectory dir;
    private final AtomicReference<Policy> policy;
    private final Map<String, String> daemonEnv;
    private final List<AFUNIXServerSocket> servers = new ArrayList<>();
    private final List<Thread> acceptors = new ArrayList<>();

    private Daemon(ConfigDirectory dir, Policy policy, Map<String, String> daemonEnv) {
        this.dir = dir;
        this.policy = new AtomicReference<>(policy);
        this.daemonEnv = Map.copyOf(daemonEnv);
    }

    /** Loads the config and opens every profile's socket; fails (and opens nothing) when the config is bad. */
    public static Daemon start(ConfigDirectory dir, Map<String, String> daemonEnv, PrintStream log) throws ConfigError, IOException {
        Policy policy = dir.load();
        Daemon d = new Daemon(dir, policy, daemonEnv);
        try {
            Files.createDirectories(dir.socketsDir());
            Files.setPosixFilePermissions(dir.socketsDir(), PosixFilePermissions.fromString("rwx------"));
            log.println("airlock: enabled commands: " + String.join(", ", policy.config().enabled()));
            for (String profile : policy.profiles().keySet()) {
                Path sock = dir.socketOf(profile);
                d.listen(profile, sock);
                log.println("airlock: profile " + profile + " listening on " + sock);
            }
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    private void listen(String profile, Path sock) throws IOException {
        Files.deleteIfExists(sock);
        AFUNIXServerSocket server = AFUNIXServerSocket.newInstance();
        server.bind(AFUNIXSocketAddress.of(sock.toFile()));
        Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rw-------"));
        servers.add(server);
        acceptors.add(Thread.ofPlatform().name("accept-" + profile).daemon(true).start(() -> accept(server, profile)));
    }

    private void accept(AFUNIXServerSocket server, String profile) {
        while (!server.isClosed()) {
            try {
                AFUNIXSocket s = server.accept();
                Thread.ofVirtual().name("session-" + profile).start(new Session(s, profile, policy::get, daemonEnv));
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                // a failed accept must not stop the listener
            }
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
    }
}
