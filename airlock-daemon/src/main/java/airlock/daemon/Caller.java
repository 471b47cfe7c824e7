package airlock.daemon;

import java.io.IOException;
import java.nio.channels.SocketChannel;
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

    static Caller of(SocketChannel socket) throws IOException {
        PeerCredentials.Ucred c = PeerCredentials.of(socket);
        if (c.pid() <= 0) return UNKNOWN;
        String container = CgroupContainer.ofPid(Path.of("/proc"), c.pid());
        return new Caller(c.pid(), c.uid(), c.gid(), container);
    }

    public boolean known() {
        return pid > 0;
    }
}
