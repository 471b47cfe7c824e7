package airlock.daemon.sandbox;

import airlock.rules.SandboxSpec;

import java.nio.file.Path;
import java.util.List;

/**
 * What one sandboxed run needs, all host paths.
 *
 * @param spec     the module's [sandbox]
 * @param argv     the tool's argv (argv[0] the executable)
 * @param cwd      the host working directory, inside {@code cwdMount}
 * @param cwdMount the mount holding the cwd: read-write when {@code spec.writable()}
 * @param mounts   every other mount of the profile (read-only)
 * @param home     the host user's home, replaced by an empty tmpfs
 * @param hidden   never visible inside, even when under a mount: the daemon's config directory
 *                 (its sockets, audit log, vault)
 * @param extra    bound last, over {@code hidden}: the profile's Python environment, which lives
 *                 in the config directory; nothing else of it becomes visible
 */
public record SandboxRequest(SandboxSpec spec, List<String> argv, Path cwd, Path cwdMount, List<Path> mounts,
                             Path home, List<Path> hidden, List<Bind> extra) {
    public SandboxRequest {
        argv = List.copyOf(argv);
        mounts = List.copyOf(mounts);
        hidden = List.copyOf(hidden);
        extra = List.copyOf(extra);
    }

    public record Bind(Path path, boolean writable) {}
}
