package airlock.cli;

import airlock.daemon.Daemon;
import airlock.daemon.agent.VaultSlots;
import airlock.daemon.listen.https.ApiKeys;
import airlock.daemon.listen.https.ApiServer;
import airlock.daemon.listen.https.TlsIdentity;
import airlock.daemon.vault.Vault;
import airlock.rules.Config;
import airlock.rules.Policy;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.security.GeneralSecurityException;
import java.time.Clock;

/**
 * The HTTPS API inside the daemon, following {@code [api]} as {@link ConsoleStart} follows
 * {@code [ui]}: started with the daemon when {@code listen} is set, and restarted, stopped or
 * moved by a reload that changes {@code [api]}. Keys are read per request, so they need neither.
 */
final class ApiStart implements Daemon.Follower, Closeable {
    private final Daemon daemon;
    private final PrintStream log;
    /** Guarded by this. */
    private ApiServer server;
    /** The [api] that {@link #server} (or its absence) stands for; null until one applied. Guarded by this. */
    private Config.ApiSettings running;

    private ApiStart(Daemon daemon, PrintStream log) {
        this.daemon = daemon;
        this.log = log;
    }

    static ApiStart start(Daemon daemon, PrintStream log) throws IOException {
        ApiStart a = new ApiStart(daemon, log);
        a.applied(daemon.policy());
        daemon.follow(a);
        return a;
    }

    @Override
    public synchronized void applied(Policy policy) throws IOException {
        Config.ApiSettings api = policy.config().api();
        if (api.equals(running)) return;
        if (server != null) {
            log.println("airlock: api on " + server.url() + " stopped: [api] changed" + (api.enabled() ? "" : " (now off)"));
            server.close();
            server = null;
        }
        running = null;
        if (api.enabled()) {
            var dir = daemon.directory();
            try {
                Vault vault = Vault.at(dir.vaultDir());
                TlsIdentity tls = TlsIdentity.load(ApiCommand.dir(dir), ApiInfoCommand.resolve(dir, api.cert()), ApiInfoCommand.resolve(dir, api.key()));
                server = ApiServer.start(api, tls, new ApiKeys(ApiCommand.keysDir(dir), vault, Clock.systemUTC()), daemon::policy,
                        new VaultSlots(vault, daemon::policy), ApiCommand.dir(dir), log, Clock.systemUTC());
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                throw new IOException("the API ([api] listen = " + api.authority(api.port()) + ") did not start: "
                        + (e.getMessage() != null ? e.getMessage() : e.toString()), e);
            }
        }
        running = api;
    }

    @Override
    public synchronized void close() {
        if (server != null) server.close();
        server = null;
    }
}
