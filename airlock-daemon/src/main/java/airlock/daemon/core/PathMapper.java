package airlock.daemon.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps a container path to the host through the profile's mounts (longest prefix wins), then
 * resolves it on disk: after symlinks and "..", it must still be inside that mount's host folder.
 * The agent writes the workspace, so a symlink {@code repo/x -> /home/me/.ssh} must not lead out.
 */
public final class PathMapper {
    private final Map<String, String> mounts;

    public PathMapper(Map<String, String> mounts) {
        this.mounts = Map.copyOf(mounts);
    }

    /** The real host path of an existing container path, or empty when it is outside every mount. */
    public Optional<Path> toHost(String containerPath) {
        if (!wellFormed(containerPath) || !containerPath.startsWith("/")) return Optional.empty();
        Path wanted = Path.of(containerPath).normalize();
        Path bestKey = null;
        String bestHost = null;
        for (var m : mounts.entrySet()) {
            if (!m.getKey().startsWith("/")) continue;
            Path k = Path.of(m.getKey()).normalize();
            if (wanted.startsWith(k) && (bestKey == null || k.getNameCount() > bestKey.getNameCount())) {
                bestKey = k;
                bestHost = m.getValue();
            }
        }
        if (bestKey == null) return Optional.empty();
        try {
            Path hostRoot = Path.of(bestHost).toRealPath();
            Path host = hostRoot.resolve(bestKey.relativize(wanted)).toRealPath();
            return host.startsWith(hostRoot) ? Optional.of(host) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * A path argument as the tool will open it on the host: absolute as written, relative to the
     * host working directory. Resolved on disk (the nearest existing parent for a path still to be
     * created) and kept only when inside one mount's host folder.
     */
    public Optional<Path> confine(String argument, Path hostCwd) {
        if (!wellFormed(argument) || argument.isEmpty()) return Optional.empty();
        Path literal = hostCwd.resolve(argument);
        Optional<Path> real = resolveExistingPart(literal);
        if (real.isEmpty()) return Optional.empty();
        for (Path root : hostRoots()) {
            if (real.get().startsWith(root)) return real;
        }
        return Optional.empty();
    }

    /** Real path of the longest existing prefix, plus the not-yet-existing rest (which must hold no ".."). */
    static Optional<Path> resolveExistingPart(Path path) {
        Path existing = path;
        List<Path> rest = new ArrayList<>();
        while (existing != null) {
            try {
                Path real = existing.toRealPath();
                Path result = real;
                for (int i = rest.size() - 1; i >= 0; i--) {
                    String name = rest.get(i).toString();
                    if (name.equals("..")) return Optional.empty();
                    if (name.equals(".")) continue;
                    result = result.resolve(name);
                }
                return Optional.of(result);
            } catch (NoSuchFileException e) {
                if (Files.isSymbolicLink(existing)) return Optional.empty(); // dangling link: target unknown
                rest.add(existing.getFileName());
                existing = existing.getParent();
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    List<Path> hostRoots() {
        List<Path> roots = new ArrayList<>();
        for (String host : mounts.values()) {
            try {
                roots.add(Path.of(host).toRealPath());
            } catch (IOException | RuntimeException e) {
                // a mount whose host folder is gone confines nothing
            }
        }
        return roots;
    }

    public boolean isEmpty() {
        return mounts.isEmpty();
    }

    private static boolean wellFormed(String path) {
        return path != null && path.indexOf('\0') < 0;
    }

    static boolean isDirectory(Path p) {
        return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
    }
}
