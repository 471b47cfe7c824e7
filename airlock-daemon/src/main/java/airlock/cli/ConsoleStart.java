package airlock.cli;

import airlock.daemon.Daemon;
import airlock.daemon.console.Console;
import airlock.daemon.console.LiveBackend;
import airlock.rules.Config;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Optional;

/** Starts the web console inside the daemon when {@code [ui] listen} is set; off otherwise. */
final class ConsoleStart {
    private ConsoleStart() {}

    static Optional<Console> start(Daemon daemon, PrintStream log) throws IOException {
        Config.UiSettings ui = daemon.policy().config().ui();
        if (!ui.enabled()) return Optional.empty();
        var dir = daemon.directory();
        var backend = LiveBackend.of(daemon, new ConsoleDryRun(dir, System.getenv().getOrDefault("PATH", "")));
        return Optional.of(Console.start(backend, ui, dir.uiDir(), log));
    }
}
