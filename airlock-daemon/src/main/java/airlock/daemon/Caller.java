package airlock.daemon;

import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketCredentials;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Who is on the other end of a session, as the kernel says (SO_PEERCRED), not as the client says.
 *
 * @param pid         the caller's pid in the daemon's pid namespace (a host pid for a container)
 * @param uid         the caller's uid as the host sees it
 * @param gid         the caller's gid as the host sees it
 * @param containerId the container derived from /proc/PID/cgroup, "" when the caller is in none
 */
public record Caller(long pid, long uid, long gid, String containerId) {
    /** The caller of a socket whose credentials the kernel could not give (never expected on Linux). */
    public static final Caller UNKNOWN = new Caller(-1, -1, -1, "");

    static Caller of(AFUNIXSocket socket) throws IOException {
        AFUNIXSocketCredentials c = socket.getPeerCredentials();
        if (c == null || c.getPid() <= 0) return UNKNOWN;
        String container = CgroupContainer.ofPid(Path.of("/proc"), c.getPid());
        return new Caller(c.getPid(), c.getUid(), c.getGid(), container);
    }

    public boolean known() {
        return pid > 0;
    }
}
