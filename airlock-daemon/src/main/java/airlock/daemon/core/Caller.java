package airlock.daemon.core;

/**
 * Who is on the other end of a request, as the listener established it, never as the request
 * says: a process the kernel names (a unix socket's SO_PEERCRED), or the holder of a profile key
 * (a remote agent, later). Code below a listener asks what it needs through the accessors; the
 * audit record and the hooks tell the two apart.
 */
public sealed interface Caller {
    /**
     * A process on this host, as the kernel says.
     *
     * @param pid         the caller's pid in the daemon's pid namespace (a host pid for a container)
     * @param uid         the caller's uid as the host sees it
     * @param gid         the caller's gid as the host sees it
     * @param containerId the container derived from /proc/PID/cgroup, "" when the caller is in none
     */
    record KernelPeer(long pid, long uid, long gid, String containerId) implements Caller {
        @Override
        public boolean known() {
            return pid > 0;
        }
    }

    /**
     * An agent that proved it holds a profile key: which key (its id, never the key) and where
     * it connected from. It has no pid, uid or container on this host.
     */
    record KeyHolder(String keyId, String remoteAddress) implements Caller {
        @Override
        public boolean known() {
            return false;
        }
    }

    /** The caller of a socket whose credentials the kernel could not give (never expected on Linux). */
    KernelPeer UNKNOWN = new KernelPeer(-1, -1, -1, "");

    /** Whether a process on this host is known to be the caller (its liveness can be watched). */
    boolean known();

    /** The kernel peer's pid; -1 for a key holder. */
    default long pid() {
        return -1;
    }

    default long uid() {
        return -1;
    }

    default long gid() {
        return -1;
    }

    /** The kernel peer's container; "" for a key holder or a caller in none. */
    default String containerId() {
        return "";
    }
}
