package airlock.daemon;

import airlock.daemon.audit.AuditLog;
import airlock.daemon.audit.AuditLogException;
import airlock.rules.ConfigError;
import airlock.rules.Policy;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Live reload: on SIGHUP or a change under config.toml, profiles/, commands/ or hooks/, the whole
 * config dir is read again. A configuration that loads replaces the running one at once; one that
 * does not is refused whole, the running one stays, and why is said on stderr and in the audit log.
 */
public final class Reloader implements Closeable {
    /** Editors save in several steps (temp file, rename, chmod): wait for quiet before reading. */
    public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(300);
    private static final Set<String> WATCHED_AT_ROOT = Set.of("config.toml", "profiles", "commands", "hooks", "vault");

    /** Receives a configuration that loaded. */
    @FunctionalInterface
    interface Target {
        void apply(Policy policy) throws IOException;
    }

    private final ConfigDirectory dir;
    private final Target target;
    private final PrintStream log;
    private final AuditLog audit;
    private final Map<WatchKey, Path> keys = new HashMap<>();
    private WatchService watcher;
    private Thread watchThread;
    /** More folders to watch (the [shadow] candidate's), asked each time the watch is renewed. */
    private java.util.function.Supplier<List<Path>> also = List::of;

    Reloader(ConfigDirectory dir, Target target, PrintStream log, AuditLog audit) {
        this.dir = dir;
        this.target = target;
        this.log = log;
        this.audit = audit;
    }

    /** Also watch what {@code dirs} names at the time (its folders that exist). */
    synchronized void watchAlso(java.util.function.Supplier<List<Path>> dirs) {
        this.also = dirs;
    }

    /** Reads the config dir again; true when the new configuration is now the running one. */
    public synchronized boolean reload() {
        Policy next;
        try {
            next = dir.load();
        } catch (ConfigError | IOException | RuntimeException e) {
            String why = e instanceof ConfigError ? e.getMessage() : e.toString();
            log.println("airlock: reload failed, the running configuration stays: " + why);
            event("reload-failed", why);
            return false;
        }
        try {
            target.apply(next);
        } catch (IOException | RuntimeException e) {
            log.println("airlock: reload applied only in part: " + e);
            event("reload-failed", "applied only in part: " + e);
            return false;
        }
        String summary = "profiles " + String.join(", ", new java.util.TreeSet<>(next.profiles().keySet()))
                + "; commands " + String.join(", ", next.config().enabled())
                + "; modules " + String.join(", ", next.modules().values().stream()
                .map(m -> m.name() + "@" + m.sha256().substring(0, Math.min(12, m.sha256().length()))).sorted().toList());
        log.println("airlock: configuration reloaded: " + summary);
        event("reload", summary);
        return true;
    }

    private void event(String type, String detail) {
        try {
            audit.event(type, detail);
        } catch (AuditLogException e) {
            log.println("airlock: AUDIT LOG FAILURE: " + e.getMessage());
        }
    }

    /** SIGHUP reloads (the classic daemon convention); installed only by {@code airlock start}. */
    @SuppressWarnings("restriction")
    public void reloadOnSighup() {
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> Thread.ofVirtual().name("reload-sighup").start(this::reload));
    }

    /** Starts watching the config dir; a burst of changes gives one reload after {@code debounce} of quiet. */
    public synchronized void watch(Duration debounce) throws IOException {
        if (watcher != null) return;
        watcher = FileSystems.getDefault().newWatchService();
        register();
        log.println("airlock: watching " + dir.root() + " for changes (SIGHUP reloads too)");
        WatchService ws = watcher;
        watchThread = Thread.ofPlatform().name("config-watch").daemon(true).start(() -> loop(ws, debounce));
    }

    private void loop(WatchService ws, Duration debounce) {
        try {
            while (true) {
                boolean relevant = drain(ws.take());
                WatchKey more;
                while ((more = ws.poll(debounce.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) != null) {
                    relevant |= drain(more);
                }
                if (relevant) {
                    synchronized (this) {
                        register(); // a directory created since (hooks/, profiles/NAME.hooks/) is watched too
                    }
                    reload();
                    synchronized (this) {
                        register(); // a [shadow] candidate the reload named
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        } catch (IOException e) {
            log.println("airlock: watching " + dir.root() + " stopped: " + e + " (SIGHUP still reloads)");
        }
    }

    private boolean drain(WatchKey key) {
        Path watched;
        synchronized (this) {
            watched = keys.get(key);
        }
        boolean relevant = false;
        for (WatchEvent<?> e : key.pollEvents()) {
            if (e.kind() == StandardWatchEventKinds.OVERFLOW) {
                relevant = true;
            } else if (dir.root().equals(watched)) {
                relevant |= WATCHED_AT_ROOT.contains(e.context().toString());
            } else {
                relevant = true;
            }
        }
        if (!key.reset()) {
            synchronized (this) {
                keys.remove(key);
            }
        }
        return relevant;
    }

    private void register() throws IOException {
        if (watcher == null) return; // closed meanwhile
        // vault/secrets/: a secret set, removed or imported re-checks the profiles that name it and
        // copies the vault's change journal into the audit log (Daemon.apply)
        List<Path> dirs = new ArrayList<>(List.of(dir.root(), dir.profilesDir(), dir.commandsDir(), dir.hooksDir(),
                dir.vaultDir().resolve("secrets")));
        if (Files.isDirectory(dir.profilesDir())) {
            try (Stream<Path> s = Files.list(dir.profilesDir())) {
                s.filter(p -> p.getFileName().toString().endsWith(".hooks")).forEach(dirs::add);
            }
        }
        dirs.addAll(also.get());
        for (Path d : dirs) {
            if (!Files.isDirectory(d) || keys.containsValue(d)) continue;
            keys.put(d.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                    StandardWatchEventKinds.ENTRY_MODIFY), d);
        }
    }

    @Override
    public synchronized void close() {
        if (watcher == null) return;
        try {
            watcher.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        watcher = null;
        keys.clear();
    }
}
