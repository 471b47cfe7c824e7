package airlock.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Maps a container path to the host through the profile's mounts (longest prefix wins), then
 * resolves it on disk: after symlinks and "..", it must still be inside that mount's host folder.
 */
public final class PathMapper {
    private final Map<String, String> mounts;

    public PathMapper(Map<String, String> mounts) {
        this.mounts = Map.copyOf(mounts);
    }

    /** The real host path, or empty when the path is outside every mount (or does not exist). */
    public Optional<Path> toHost(String containerPath) {
        if (containerPath == null || !containerPath.startsWith("/") || containerPath.indexOf('\0') >= 0) return Optional.empty();
        Path wanted = Path.of(containerPath).normalize();
        String bestKey = null;
        for (String key : mounts.keySet()) {
            Path k = Path.of(key).normalize();
            if (wanted.startsWith(k) && (bestKey == null || k.getNameCount() > Path.of(bestKey).normalize().getNameCount())) {
                bestKey = key;
            }
        }
        if (bestKey == null) return Optional.empty();
        try {
            Path hostRoot = Path.of(mounts.get(bestKey)).toRealPath();
            Path rel = Path.of(bestKey).normalize().relativize(wanted);
            Path host = hostRoot.resolve(rel).toRealPath();
            return host.startsWith(hostRoot) ? Optional.of(host) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    boolean isEmpty() {
        return mounts.isEmpty();
    }

    static boolean isDirectory(Path p) {
        return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
    }
}
