package airlock.cli;

import airlock.daemon.Daemon;
import airlock.daemon.console.Console;
import airlock.daemon.console.LiveBackend;
import airlock.rules.Config;
import airlock.rules.Policy;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;

/**
 * The web console inside the daemon, following {@code [ui]}: started with the daemon when
 * {@code listen} is set, and on every reload started, stopped or moved when {@code [ui]} changed,
 * like the rest of the config. A reload that leaves {@code [ui]} as it was leaves the console (and
 * its sessions) alone; the profiles' sockets are never touched by it, so turning the console on
 * does not need the restart that would cut every running agent off its bind-mounted socket.
 */
final class ConsoleStart implements Daemon.Follower, Closeable {
    private final Daemon daemon;
    private final PrintStream log;
    /** The console running now, or null. Guarded by this. */
    private Console console;
    /** The [ui] that {@link #console} (or its absence) stands for; null until one applied. Guarded by this. */
    private Config.UiSettings running;

    private ConsoleStart(Daemon daemon, PrintStream log) {
        this.daemon = daemon;
        this.log = log;
    }

    /** Starts the console if the running config turns it on, and follows every reload from now on. */
    static ConsoleStart start(Daemon daemon, PrintStream log) throws IOException {
        ConsoleStart c = new ConsoleStart(daemon, log);
        c.applied(daemon.policy());
        daemon.follow(c);
        return c;
    }

    @Override
    public synchronized void applied(Policy policy) throws IOException {
        Config.UiSettings ui = policy.config().ui();
        if (ui.equals(running)) return;
        if (console != null) {
            // one address at a time: [ui] says where the console is, a moved one leaves the old port
            log.println("airlock: console on " + console.origin() + " stopped: [ui] changed" + (ui.enabled() ? "" : " (now off)"));
            console.close();
            console = null;
        }
        running = null;
        if (ui.enabled()) {
            var dir = daemon.directory();
            var backend = LiveBackend.of(daemon, new ConsoleDryRun(dir, System.getenv().getOrDefault("PATH", "")));
            try {
                console = Console.start(backend, ui, dir.uiDir(), log);
            } catch (IOException | RuntimeException e) {
                // the next reload tries again (running stays null); the reload says it applied only in part
                throw new IOException("the console ([ui] listen = " + ui.authority(ui.port()) + ") did not start: "
                        + (e.getMessage() != null ? e.getMessage() : e.toString()), e);
            }
        }
        running = ui;
    }

    @Override
    public synchronized void close() {
        if (console != null) console.close();
        console = null;
    }
}
