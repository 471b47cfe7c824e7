package airlock.daemon.pipeline;

import java.nio.file.Path;
import java.util.Map;

/**
 * The one folder a request may work in when its listener made one for it (an HTTPS API run gets
 * a fresh folder holding the files it sent): the request is judged and run as if its profile
 * mounted only that folder, at its own path, so the profile's {@code [mounts]} (the host's
 * workspaces) are out of its reach. Its working directory is that path.
 */
public record RunFolder(Path host) {
    public RunFolder {
        if (!host.isAbsolute()) throw new IllegalArgumentException("a run's folder is an absolute path: " + host);
    }

    /** The profile's mounts as this run sees them: the folder alone, at the same path inside as outside. */
    Map<String, String> mounts() {
        return Map.of(host.toString(), host.toString());
    }
}
