package airlock.daemon.listen.unix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The container a host process runs in, from {@code /proc/PID/cgroup}. The caller cannot forge this
 * file (the kernel writes it), unlike the hint its shim sends. Layouts recognised: Docker with the
 * cgroupfs driver ({@code /docker/ID}), Docker with systemd ({@code docker-ID.scope}), Podman
 * ({@code libpod-ID.scope}, {@code /libpod/ID}, {@code libpod-conmon-}) and containerd/cri
 * ({@code cri-containerd-ID.scope}).
 */
final class CgroupContainer {
    private static final Pattern ID = Pattern.compile(
            "(?:/docker/|docker-|/libpod/|libpod-|cri-containerd-|crio-)([0-9a-f]{64})(?:\\.scope)?(?=/|$)",
            Pattern.MULTILINE);

    private CgroupContainer() {}

    static String ofPid(Path proc, long pid) {
        try {
            return fromCgroup(Files.readString(proc.resolve(Long.toString(pid)).resolve("cgroup")));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The innermost container id named on any line, "" when none is. */
    static String fromCgroup(String text) {
        String found = "";
        for (String line : text.split("\n")) {
            Matcher m = ID.matcher(line);
            String last = "";
            while (m.find()) last = m.group(1);
            // cgroup v2's unified line ("0::") is the authoritative one when present and non-empty
            if (!last.isEmpty() && (found.isEmpty() || line.startsWith("0::"))) found = last;
        }
        return found;
    }
}
