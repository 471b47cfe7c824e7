package airlock.daemon;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * kill(2) through the FFM API: Process.destroy() only knows SIGTERM/SIGKILL, and forwarding
 * Ctrl-C must deliver SIGINT itself, without starting a /bin/kill per signal.
 */
public final class Signals {
    public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGKILL = 9, SIGTERM = 15;
    private static final MethodHandle KILL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("kill").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private Signals() {}

    /** Only the four signals a caller may forward; anything else is ignored. */
    public static boolean forwardable(int signal) {
        return signal == SIGHUP || signal == SIGINT || signal == SIGQUIT || signal == SIGTERM;
    }

    public static void send(long pid, int signal) {
        try {
            int rc = (int) KILL.invokeExact((int) pid, signal);
        } catch (Throwable t) {
            throw new IllegalStateException("kill(" + pid + ", " + signal + ") failed", t);
        }
    }

    /** The tool and everything it started, children first so none is re-parented and missed. */
    public static void killTree(ProcessHandle root) {
        root.descendants().forEach(ProcessHandle::destroyForcibly);
        root.destroyForcibly();
    }
}
