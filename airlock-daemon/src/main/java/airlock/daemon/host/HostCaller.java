package airlock.daemon.host;

/**
 * Who asks a {@link HostOp}, as its front end established it. The table in {@link HostOps}
 * decides from this alone; a front end never decides who may do what.
 */
public sealed interface HostCaller {
    /** Recorded in the audit log as the decider. */
    String who();

    /**
     * A process on the control socket, with the kernel's credentials for it ({@code SO_PEERCRED},
     * its cgroup). {@code ofARun}: the daemon started it for an agent, or a run's cgroup still
     * holds it, or it was gone before it could be looked at; judged by the front end while the
     * peer still lives. {@code says}: who the client says it is (free text, shown only).
     */
    record ControlPeer(long pid, long uid, String container, boolean ofARun, String says) implements HostCaller {
        @Override
        public String who() {
            String shown = says.replaceAll("\\p{Cntrl}", "?");
            return "uid " + uid + " pid " + pid + (shown.isEmpty() ? "" : " (" + shown + ")");
        }
    }

    /** A signed-in session of the web console (its login came from a one-time grant on the host). */
    record ConsoleSession(String who) implements HostCaller {}
}
