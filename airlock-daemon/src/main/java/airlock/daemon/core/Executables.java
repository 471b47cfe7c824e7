package airlock.daemon.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds a module's {@code bin} on the daemon's own PATH (never the caller's). */
public final class Executables {
    private Executables() {}

    public static Optional<Path> find(String bin, String path) {
        if (bin.contains("/")) {
            Path p = Path.of(bin);
            return p.isAbsolute() && Files.isExecutable(p) && Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
        }
        if (path == null) return Optional.empty();
        for (String dir : path.split(":")) {
            if (dir.isEmpty() || !dir.startsWith("/")) continue; // a relative PATH entry would follow the cwd
            Path p = Path.of(dir, bin);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }
}
