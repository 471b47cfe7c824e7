package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.Daemon;
import airlock.daemon.Reloader;
import airlock.rules.ConfigError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "start", header = "Run the daemon in the foreground.",
        description = {
        "Run the daemon in the foreground: one socket per profile under <config>/sockets/.",
        "Prints the enabled commands, each profile's socket and every user override of a built-in module on stderr."})
final class StartCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        ConfigDirectory dir = config.directory();
        if (!Files.isRegularFile(dir.configFile())) {
            err.println("airlock: cannot start: no " + dir.configFile() + " (run 'airlock init' to create a starter config)");
            return 1;
        }
        // file times come from a coarse kernel clock that may lag Instant.now() by a tick
        Instant loading = Instant.now().minusMillis(50);
        Daemon daemon;
        try {
            daemon = Daemon.start(dir, System.getenv(), System.err);
        } catch (ConfigError e) {
            err.println("airlock: cannot start: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("airlock: cannot start: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return 1;
        }
        String jnu = System.getProperty("sun.jnu.encoding", "");
        if (!jnu.equalsIgnoreCase("UTF-8")) {
            // the JVM encodes every tool's argv, cwd and environment with this charset
            err.println("airlock: WARNING: this JVM's file-name encoding is " + jnu + " (no UTF-8 locale in LANG/LC_ALL):"
                    + " a caller's non-ASCII arguments, paths and variables would reach tools altered; run with LC_ALL=C.UTF-8"
                    + " (the installed launcher does)");
        }
        FollowedServer<?> console;
        try {
            console = FollowedServer.console(daemon, System.err);
        } catch (IOException | RuntimeException e) {
            daemon.close();
            err.println("airlock: cannot start the console ([ui] in " + dir.configFile() + "): " + e.getMessage());
            return 1;
        }
        FollowedServer<?> api;
        try {
            api = FollowedServer.api(daemon, System.err);
        } catch (IOException | RuntimeException e) {
            console.close();
            daemon.close();
            err.println("airlock: cannot start the API ([api] in " + dir.configFile() + "): " + e.getMessage());
            return 1;
        }
        daemon.reloader().reloadOnSighup();
        try {
            daemon.reloader().watch(Reloader.DEFAULT_DEBOUNCE);
            // An edit between loading the config and watching it would otherwise wait for the next one.
            if (changedSince(dir, loading)) daemon.reloader().reload();
        } catch (IOException e) {
            err.println("airlock: cannot watch " + dir.root() + " for changes (" + e.getMessage() + "); SIGHUP still reloads");
        }
        try {
            for (String command : Overrides.of(dir)) {
                err.println("airlock: " + dir.userModule(command) + " overrides the built-in " + command
                        + " module (airlock diff " + command + " shows how)");
            }
        } catch (IOException e) {
            err.println("airlock: cannot list " + dir.commandsDir() + ": " + e.getMessage());
        }
        err.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            console.close();
            daemon.close();
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }

    /** Whether config.toml, or anything in profiles/, commands/ or hooks/ (a removal too), changed since {@code t}. */
    static boolean changedSince(ConfigDirectory dir, Instant t) throws IOException {
        if (Files.getLastModifiedTime(dir.configFile()).toInstant().isAfter(t)) return true;
        for (Path d : List.of(dir.profilesDir(), dir.commandsDir(), dir.hooksDir())) {
            if (!Files.isDirectory(d)) continue;
            try (Stream<Path> all = Files.walk(d)) {
                for (Path p : (Iterable<Path>) all::iterator) {
                    if (Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant().isAfter(t)) return true;
                }
            }
        }
        return false;
    }
}
