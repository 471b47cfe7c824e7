package airlock.daemon.core;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * kill(2) through the FFM API: Process.destroy() only knows SIGTERM/SIGKILL, and forwarding
 * Ctrl-C must deliver SIGINT itself, without starting a /bin/kill per signal.
 */
public final class Signals {
    public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGKILL = 9, SIGTERM = 15, SIGSTOP = 19;
    private static final MethodHandle KILL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("kill").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private Signals() {}

    /** Only the four signals a caller may forward; anything else is ignored. */
    public static boolean forwardable(int signal) {
        return signal == SIGHUP || signal == SIGINT || signal == SIGQUIT || signal == SIGTERM;
    }

    /** Sends a signal; false when the process is gone (ESRCH) or not ours. */
    public static boolean send(long pid, int signal) {
        if (pid <= 0) return false; // 0 and negative pids mean process groups: never from here
        try {
            return (int) KILL.invokeExact((int) pid, signal) == 0;
        } catch (Throwable t) {
            throw new IllegalStateException("kill(" + pid + ", " + signal + ") failed", t);
        }
    }

    /**
     * The tool and everything it started. Each process is stopped before its children are listed,
     * so none can fork a new child (or re-parent one to init) between the listing and the kill.
     */
    public static void killTree(ProcessHandle root) {
        Set<ProcessHandle> seen = new LinkedHashSet<>();
        seen.add(root);
        send(root.pid(), SIGSTOP);
        boolean grew = true;
        for (int round = 0; grew && round < 64; round++) {
            grew = false;
            for (ProcessHandle p : root.descendants().toList()) {
                if (seen.add(p)) {
                    send(p.pid(), SIGSTOP);
                    grew = true;
                }
            }
        }
        for (ProcessHandle p : seen) send(p.pid(), SIGKILL);
    }
}
