package airlock.daemon.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How ToolRun starts one tool: the argv of the process to start (the tool itself, or bubblewrap
 * around it), and the limits the run is held to. Closing it removes what the run left behind.
 *
 * @param argv       what the ProcessBuilder starts
 * @param sandboxed  the tool runs inside bubblewrap: signals go to the tool, two levels down
 * @param timeout    wall-clock limit, {@link Duration#ZERO} for none
 * @param outputBytes stdout plus stderr allowed, 0 for no limit
 * @param memoryMb   for the message when the memory limit is seen to be hit
 * @param cgroup     the run's own cgroup, when the host has one for the daemon
 * @param written    the private layer a writable run with secrets writes to; scanned, then applied to the workspace
 * @param redaction  what the scan replaces
 * @param network    the run's own network namespace (user-mode networking), deleted at the end
 */
public record Launch(List<String> argv, boolean sandboxed, Duration timeout, long outputBytes, long memoryMb,
                     long processes, Optional<Cgroup> cgroup, Optional<WriteLayer> written,
                     Redaction redaction, AfterSuccess afterSuccess, Optional<UserNetwork> network) implements AutoCloseable {
    /** What a run that ended with status 0 leaves kept (pip: the install, for a rebuild). */
    @FunctionalInterface
    public interface AfterSuccess {
        void run() throws java.io.IOException;
        AfterSuccess NOTHING = () -> {};
    }

    public Launch {
        argv = List.copyOf(argv);
    }

    public Launch(List<String> argv, boolean sandboxed, Duration timeout, long outputBytes, long memoryMb, long processes,
                  Optional<Cgroup> cgroup, Optional<WriteLayer> written, Redaction redaction, AfterSuccess afterSuccess) {
        this(argv, sandboxed, timeout, outputBytes, memoryMb, processes, cgroup, written, redaction, afterSuccess, Optional.empty());
    }

    public static Launch direct(List<String> argv) {
        return new Launch(argv, false, Duration.ZERO, 0, 0, 0, Optional.empty(), Optional.empty(), Redaction.NONE, AfterSuccess.NOTHING);
    }

    public Optional<Instant> deadline(Instant started) {
        return timeout.isZero() ? Optional.empty() : Optional.of(started.plus(timeout));
    }

    /**
     * Where a forwarded signal goes. Outside a sandbox: the tool. Inside: bubblewrap does not pass
     * signals on, so they go to the tool itself, the child of the sandbox's init (the process that
     * ToolRun started is bubblewrap, its child is the namespace's init).
     */
    public long signalTarget(ProcessHandle started) {
        if (!sandboxed) return started.pid();
        // a root daemon's sandbox has a second bubblewrap inside (RunAs): the tool is one level further down
        if (java.util.Collections.indexOfSubList(argv, RunAs.INNER_MARK) >= 0) {
            return started.children().findFirst().flatMap(init -> init.children().findFirst())
                    .flatMap(inner -> inner.children().findFirst()).map(ProcessHandle::pid).orElse(started.pid());
        }
        return started.children().findFirst().flatMap(init -> init.children().findFirst())
                .map(ProcessHandle::pid).orElse(started.pid());
    }

    /** Which limit the finished run hit, as the audit record names it ("" for none). */
    public String limitHit() {
        if (cgroup.isEmpty()) return "";
        if (cgroup.get().memoryLimitHit()) return "memory";
        if (cgroup.get().processLimitHit()) return "processes";
        return "";
    }

    /**
     * After the run: what it wrote to its private layer, scanned and applied to the workspace
     * (whatever the status: a failed or killed run leaves its writes as it would without the
     * layer, scanned); with status 0, what the run keeps.
     */
    public WrittenFiles.Report finished(int status) throws java.io.IOException {
        WrittenFiles.Report r = written.isEmpty() ? WrittenFiles.Report.NONE : WrittenFiles.publish(written.get(), redaction);
        if (status == 0) afterSuccess.run();
        return r;
    }

    public String limitMessage(String limit) {
        return switch (limit) {
            case "timeout" -> "airlock: sandbox: the run passed its time limit of " + timeout.toSeconds()
                    + " s ([sandbox] timeout_s); the whole process tree was killed (exit status 124)";
            case "output" -> "airlock: sandbox: output limit of " + outputBytes / (1024 * 1024)
                    + " MB reached ([sandbox] output_mb); the rest was cut and the process tree killed";
            case "memory" -> "airlock: sandbox: the run passed its memory limit of " + memoryMb + " MB ([sandbox] memory_mb)";
            case "processes" -> "airlock: sandbox: the run tried to have more than " + processes
                    + " processes ([sandbox] processes); forks past the limit failed";
            default -> "";
        };
    }

    @Override
    public void close() {
        cgroup.ifPresent(Cgroup::close);
        // a layer never published (the tool did not start, the scan failed) goes without reaching the workspace
        written.ifPresent(WriteLayer::close);
        network.ifPresent(UserNetwork::close);
    }
}
