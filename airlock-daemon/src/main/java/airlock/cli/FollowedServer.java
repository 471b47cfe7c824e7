package airlock.cli;

import airlock.daemon.Daemon;
import airlock.daemon.agent.VaultSlots;
import airlock.daemon.console.Console;
import airlock.daemon.console.LiveBackend;
import airlock.daemon.listen.https.ApiKeys;
import airlock.daemon.listen.https.ApiServer;
import airlock.daemon.listen.https.TlsIdentity;
import airlock.daemon.vault.Vault;
import airlock.rules.Config;
import airlock.rules.Policy;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A server inside the daemon that follows one section of config.toml: the web console ({@code [ui]})
 * and the HTTPS API ({@code [api]}). Started with the daemon when its section turns it on, and on
 * every reload stopped, started or moved when that section changed, like the rest of the config.
 * A reload that leaves the section as it was leaves the server (and its sessions) alone; the
 * profiles' sockets are never touched by it, so turning the console or the API on does not need
 * the restart that would cut every running agent off its bind-mounted socket.
 *
 * @param <S> the section's settings (a record: equal settings mean nothing to do)
 */
final class FollowedServer<S> implements Daemon.Follower, Closeable {
    /** One running server: where it listens, for the log; closing stops it. */
    interface Running extends Closeable {
        String address();

        @Override
        void close();
    }

    @FunctionalInterface
    interface Starter<S> {
        Running start(S settings) throws Exception;
    }

    private final String what;
    private final String section;
    private final Function<Policy, S> settings;
    private final Predicate<S> enabled;
    private final Function<S, String> listen;
    private final Starter<S> starter;
    private final PrintStream log;
    /** The server running now, or null. Guarded by this. */
    private Running server;
    /** The settings {@link #server} (or its absence) stands for; null until some applied. Guarded by this. */
    private S running;

    private FollowedServer(String what, String section, Function<Policy, S> settings, Predicate<S> enabled,
                           Function<S, String> listen, Starter<S> starter, PrintStream log) {
        this.what = what;
        this.section = section;
        this.settings = settings;
        this.enabled = enabled;
        this.listen = listen;
        this.starter = starter;
        this.log = log;
    }

    /** The console, following {@code [ui]}. */
    static FollowedServer<Config.UiSettings> console(Daemon daemon, PrintStream log) throws IOException {
        var dir = daemon.directory();
        var backend = LiveBackend.of(daemon, new ConsoleDryRun(dir, System.getenv().getOrDefault("PATH", "")));
        return follow(daemon, new FollowedServer<>("console", "[ui]", p -> p.config().ui(), Config.UiSettings::enabled,
                ui -> ui.authority(ui.port()), ui -> {
                    Console c = Console.start(backend, ui, dir.uiDir(), log);
                    return running(c.origin(), c);
                }, log));
    }

    /** The HTTPS API, following {@code [api]}: keys are read per request, so they need no restart. */
    static FollowedServer<Config.ApiSettings> api(Daemon daemon, PrintStream log) throws IOException {
        var dir = daemon.directory();
        return follow(daemon, new FollowedServer<>("API", "[api]", p -> p.config().api(), Config.ApiSettings::enabled,
                api -> api.authority(api.port()), api -> {
                    Vault vault = daemon.vault();
                    TlsIdentity tls = TlsIdentity.load(ApiCommand.dir(dir), ApiInfoCommand.resolve(dir, api.cert()),
                            ApiInfoCommand.resolve(dir, api.key()));
                    ApiServer s = ApiServer.start(api, tls, new ApiKeys(ApiCommand.keysDir(dir), vault, Clock.systemUTC()), daemon::policy,
                            new VaultSlots(vault, daemon::policy), daemon.runs(), ApiCommand.dir(dir), log, Clock.systemUTC());
                    return running(s.url(), s);
                }, log));
    }

    private static Running running(String address, Closeable server) {
        return new Running() {
            @Override public String address() { return address; }

            @Override public void close() {
                try {
                    server.close();
                } catch (IOException e) {
                    // stopping: nothing left to do with it
                }
            }
        };
    }

    private static <S> FollowedServer<S> follow(Daemon daemon, FollowedServer<S> f) throws IOException {
        f.applied(daemon.policy());
        daemon.follow(f);
        return f;
    }

    @Override
    public synchronized void applied(Policy policy) throws IOException {
        S s = settings.apply(policy);
        if (s.equals(running)) return;
        if (server != null) {
            // one address at a time: the section says where the server is, a moved one leaves the old port;
            // logged once it is closed (its address file gone), so "stopped" is true when read
            String address = server.address();
            server.close();
            server = null;
            log.println("airlock: " + what.toLowerCase() + " on " + address + " stopped: " + section + " changed"
                    + (enabled.test(s) ? "" : " (now off)"));
        }
        running = null;
        if (enabled.test(s)) {
            try {
                server = starter.start(s);
            } catch (Exception e) {
                // the next reload tries again (running stays null); the reload says it applied only in part
                throw new IOException("the " + what + " (" + section + " listen = " + listen.apply(s) + ") did not start: "
                        + (e.getMessage() != null ? e.getMessage() : e.toString()), e);
            }
        }
        running = s;
    }

    @Override
    public synchronized void close() {
        if (server != null) server.close();
        server = null;
    }
}
