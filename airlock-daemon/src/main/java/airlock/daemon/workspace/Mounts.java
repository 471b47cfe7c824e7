package airlock.daemon.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The profile's mounts seen from the host: whether a host path, after every symlink of the part
 * that exists, is still inside one of the mounted host folders. The tool reads its arguments as
 * host paths, so that is what is judged. Unlike the cwd, a path argument may name something that
 * does not exist yet (a clone target, an output file).
 */
public final class Mounts {
    private final Map<String, String> containerToHost;

    public Mounts(Map<String, String> containerToHost) {
        this.containerToHost = Map.copyOf(containerToHost);
    }

    /** Whether a host path stays inside a mounted host folder once the symlinks of its existing part are resolved. */
    public boolean contains(Path hostPath) {
        Optional<Path> real = realish(hostPath.toAbsolutePath().normalize());
        if (real.isEmpty()) return false;
        for (String hostRoot : containerToHost.values()) {
            try {
                if (real.get().startsWith(Path.of(hostRoot).toRealPath())) return true;
            } catch (IOException | RuntimeException e) {
                // a mount whose host folder is missing contains nothing
            }
        }
        return false;
    }

    /** The real path of the longest existing prefix, with the rest appended (it cannot hold a symlink yet). */
    private static Optional<Path> realish(Path p) {
        Path existing = p;
        Path rest = Path.of("");
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            rest = existing.getFileName().resolve(rest);
            existing = existing.getParent();
        }
        if (existing == null) return Optional.empty();
        try {
            return Optional.of(existing.toRealPath().resolve(rest).normalize());
        } catch (IOException e) {
            return Optional.empty(); // a dangling or looping symlink: refuse rather than guess
        }
    }
}
