package airlock.daemon.core;

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


    public boolean known() {
        return pid > 0;
    }
}
