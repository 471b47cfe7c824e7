package airlock.shim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The container id as seen from inside, from the bind mounts of /etc/hostname, /etc/hosts and
 * /etc/resolv.conf in /proc/self/mountinfo: Docker mounts them from
 * {@code <data-root>/containers/ID/}, Podman from {@code .../overlay-containers/ID/userdata/}.
 * Only a hint: the daemon derives the real one from the caller's cgroup.
 */
final class ContainerId {
    private static final Pattern ID = Pattern.compile(
            "/(?:containers|overlay-containers)/([0-9a-f]{64})/(?:userdata/)?(?:hostname|hosts|resolv\\.conf) ");

    private ContainerId() {}

    static String detect() {
        try {
            return fromMountinfo(Files.readString(Path.of("/proc/self/mountinfo")));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    static String fromMountinfo(String text) {
        Matcher m = ID.matcher(text);
        return m.find() ? m.group(1) : "";
    }
}
