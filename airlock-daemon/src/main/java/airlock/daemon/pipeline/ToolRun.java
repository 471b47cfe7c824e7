package airlock.daemon.pipeline;

import airlock.daemon.core.Plan;
import airlock.daemon.core.Signals;
import airlock.daemon.sandbox.Launch;
import airlock.daemon.sandbox.OutputCap;
import airlock.daemon.sandbox.SandboxLauncher;
import airlock.daemon.sandbox.SandboxUnavailable;
import airlock.daemon.sandbox.VaultRedaction;
import airlock.daemon.sandbox.WrittenFiles;
import airlock.protocol.ExitCodes;
import airlock.protocol.Limits;
import airlock.daemon.redact.RedactedOutput;
import airlock.daemon.redact.RedactionCounts;
import airlock.daemon.redact.Redactor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One execution of the tool: starts it with an explicit argv (never a shell), pumps stdout and
 * stderr to the caller's {@link CallerLink}, the caller's stdin and signals to the tool, and kills
 * the whole tree when the caller goes away. It never sees a wire format. Memory per run is bounded: one buffer per pump and a short stdin queue;
 * a caller that reads slowly blocks the pumps, which fills the pipes, which blocks the tool.
 * With secrets, both pumps write into one RedactedOutput, which redacts each stream and their
 * merged order and holds every byte the same bounded time; a timer thread releases what is due.
 */
public final class ToolRun {
    /** How often the caller's liveness is checked while the tool runs (disconnect is seen at once). */
    private static final long WATCH_MS = 200;
    private static final int STDIN_QUEUE_CHUNKS = 4;
    private static final byte[] END_OF_STDIN = new byte[0];

    /**
     * @param limit   the [sandbox] limit the run hit ("timeout", "output", "memory", "processes"), "" for none
     * @param written what a sandboxed run wrote to its private layer, scanned and applied to the workspace
     */
    public record Result(int status, int signal, long stdinBytes, long outputBytes, boolean callerLost, String limit,
                  WrittenFiles.Report written) {
        Result(int status, int signal, long stdinBytes, long outputBytes, boolean callerLost) {
            this(status, signal, stdinBytes, outputBytes, callerLost, "", WrittenFiles.Report.NONE);
        }
    }

    /** Exit status of a run killed at its [sandbox] timeout_s, as timeout(1) reports it. */
    static final int TIMED_OUT = 124;

    private final Process process;
    private final CallerLink link;
    private final AtomicBoolean callerLost = new AtomicBoolean();
    private final AtomicLong stdinBytes = new AtomicLong();
    private final AtomicLong outputBytes = new AtomicLong();
    private final Launch launch;
    private final OutputCap cap;
    private final AtomicReference<String> limit = new AtomicReference<>("");
    /** Both streams' redaction, in the order frames go out (null: the run holds no secret). */
    private final RedactedOutput redacted;
    /** The run's pause channel: time paused does not count against its timeout. */
    private final Optional<RunPauses.Channel> pause;

    private ToolRun(Process process, CallerLink link, Redactor redactor, RedactionCounts redactions, Launch launch, long holdNanos,
                    Optional<RunPauses.Channel> pause) {
        this.process = process;
        this.pause = pause;
        this.link = link;
        this.launch = launch;
        this.cap = new OutputCap(launch.outputBytes());
        this.redacted = redactor.isEmpty() ? null : redactor.output(
                (stream, b, off, len) -> link.write(stream == RedactedOutput.Stream.STDOUT ? CallerLink.Output.STDOUT : CallerLink.Output.STDERR,
                        b, off, len),
                redactions, System::nanoTime, holdNanos);
    }

    public static Result run(Plan plan, CallerLink link, SandboxLauncher sandbox)
            throws IOException, InterruptedException, SandboxUnavailable {
        return run(plan, Map.of(), link, Redactor.NONE, new RedactionCounts(), sandbox, Optional.empty(), ProcessBuilder::start);
    }

    /** Starts the tool's process; a connection's own refuses once its profile is stopped. */
    @FunctionalInterface
    public interface ProcessStart {
        Process start(ProcessBuilder pb) throws IOException;
    }

    /** The profile was stopped (expired, revoked, rotated) after admission: the tool never started. */
    public static final class StoppedBeforeStart extends IOException {
        StoppedBeforeStart() {
            super("the profile was stopped before the tool started; nothing ran");
        }
    }

    /**
     * Runs with the run's secrets: {@code injected} goes into the environment last (nothing the
     * caller sent can replace it; the plan itself never holds a value, so nothing that judges or
     * prints a plan sees one), and both output streams pass through {@code redactor} before a
     * byte is framed, so the caller, a post-exec hook (HeldOutput) and the audit log only ever
     * get markers. {@code redactions} counts per secret, over both streams. A module with
     * [sandbox] runs inside {@code sandbox} (with the run's secret files, {@code secretFiles},
     * bound read-only, and files it writes to a writable workspace redacted by the same redactor),
     * or throws SandboxUnavailable (the sandbox layer's refusal) when the sandbox cannot be had.
     */
    public static Result run(Plan plan, Map<String, String> injected, CallerLink link, Redactor redactor, RedactionCounts redactions, SandboxLauncher sandbox, Optional<java.nio.file.Path> secretFiles,
                      ProcessStart starts)
            throws IOException, InterruptedException, SandboxUnavailable {
        return run(plan, injected, link, redactor, redactions, sandbox, secretFiles, starts, java.time.Duration.ofNanos(RedactedOutput.HOLD_NANOS));
    }

    /** The same, with the output held {@code hold} instead of {@link RedactedOutput#HOLD_NANOS} (tests: see Redactor.output). */
    public static Result run(Plan plan, Map<String, String> injected, CallerLink link, Redactor redactor, RedactionCounts redactions,
                             SandboxLauncher sandbox, Optional<java.nio.file.Path> secretFiles, ProcessStart starts, java.time.Duration hold)
            throws IOException, InterruptedException, SandboxUnavailable {
        return run(plan, injected, link, redactor, redactions, sandbox, secretFiles, starts, hold, Optional.empty());
    }

    /**
     * The same, for a run that may pause for its caller's answer through {@code pause}: its
     * directory is bound read-only into the sandbox, its variables are set last, the run writes
     * through its link, and the time spent paused does not count against [sandbox] timeout_s.
     */
    public static Result run(Plan plan, Map<String, String> injected, CallerLink link, Redactor redactor, RedactionCounts redactions,
                             SandboxLauncher sandbox, Optional<java.nio.file.Path> secretFiles, ProcessStart starts, java.time.Duration hold,
                             Optional<RunPauses.Channel> pause)
            throws IOException, InterruptedException, SandboxUnavailable {
        // fail closed: a module that asks for a sandbox never runs without one; the caller is
        // refused by the sandbox layer (nothing started, so nothing of the run's was written)
        SandboxLauncher forThisRun = redactor.isEmpty() && secretFiles.isEmpty() ? sandbox
                : sandbox.forRun(secretFiles, VaultRedaction.of(redactor));
        if (pause.isPresent()) forThisRun = forThisRun.alsoBinding(pause.get().directory());
        Launch launch = forThisRun.launch(plan);
        try (launch) {
            ProcessBuilder pb = new ProcessBuilder(launch.argv()).directory(plan.cwd().toFile());
            pb.environment().clear();
            pb.environment().putAll(plan.env());
            pb.environment().putAll(injected);
            // the channel's variables last; its module goes before a PYTHONPATH the module or profile set
            pause.ifPresent(p -> p.env().forEach((k, v) -> pb.environment().merge(k, v,
                    (set, mine) -> k.equals("PYTHONPATH") && !set.isEmpty() ? mine + ":" + set : mine)));
            if (!plan.module().stdin()) pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process process = starts.start(pb);
            ToolRun run = new ToolRun(process, pause.map(RunPauses.Channel::link).orElse(link), redactor, redactions, launch, hold.toNanos(),
                    pause);
            pause.ifPresent(p -> p.drainWith(run::drain));
            return run.supervise();
        }
    }

    /**
     * Before a pause tells the caller of its prompt, what the tool wrote so far must have reached
     * the caller: the script flushed before it paused, so this waits (bounded) until the pumps
     * read nothing more and redaction holds nothing back.
     */
    private void drain() throws InterruptedException {
        long last = -1;
        int quiet = 0;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < end) {
            long now = outputBytes.get();
            boolean held;
            try {
                held = redacted != null && redacted.tick() != Long.MAX_VALUE;
            } catch (IOException e) {
                return;
            }
            if (now == last && !held) {
                if (++quiet >= 2) return;
            } else {
                quiet = 0;
            }
            last = now;
            Thread.sleep(50);
        }
    }

    private Result supervise() throws InterruptedException {
        BlockingQueue<byte[]> stdin = new ArrayBlockingQueue<>(STDIN_QUEUE_CHUNKS);
        Thread stdout = Thread.ofVirtual().name("tool-stdout").start(() -> pump(process.getInputStream(), CallerLink.Output.STDOUT));
        Thread stderr = Thread.ofVirtual().name("tool-stderr").start(() -> pump(process.getErrorStream(), CallerLink.Output.STDERR));
        Thread stdinWriter = Thread.ofVirtual().name("tool-stdin").start(() -> feedStdin(stdin));
        // Not interrupted at the end: the listener still has the exit status to send. It ends
        // when the listener ends the link.
        Thread.ofVirtual().name("caller-input").start(() -> fromCaller(stdin));
        Thread holds = redacted == null ? null : Thread.ofVirtual().name("tool-output-hold").start(this::releaseHeld);
        Optional<Instant> deadline = launch.deadline(Instant.now());
        try {
            while (stdout.isAlive() || stderr.isAlive() || process.isAlive()) {
                if (callerLost.get() || link.gone()) {
                    callerLost.set(true);
                    Signals.killTree(process.toHandle());
                }
                // a script waiting for its caller's answer is not running: [pause] timeout_s bounds that wait
                if (deadline.isPresent() && Instant.now().isAfter(deadline.get().plus(pause.map(RunPauses.Channel::paused).orElse(java.time.Duration.ZERO)))
                        && limit.compareAndSet("", "timeout")) {
                    Signals.killTree(process.toHandle());
                }
                stdout.join(WATCH_MS);
                if (!stdout.isAlive()) stderr.join(WATCH_MS);
                if (!stdout.isAlive() && !stderr.isAlive()) process.waitFor(WATCH_MS, TimeUnit.MILLISECONDS);
            }
            int status = process.exitValue();
            // Java reports death by signal N as 128+N; the EXIT frame carries the signal separately.
            int signal = status > 128 && status < 128 + 65 ? status - 128 : 0;
            limit.compareAndSet("", launch.limitHit());
            if (!limit.get().isEmpty() && !callerLost.get()) tellLimit();
            WrittenFiles.Report written = finished(limit.get().isEmpty() && signal == 0 ? status : -1);
            if (limit.get().equals("timeout")) {
                return new Result(TIMED_OUT, 0, stdinBytes.get(), outputBytes.get(), callerLost.get(), "timeout", written);
            }
            return new Result(signal > 0 ? 0 : status, signal, stdinBytes.get(), outputBytes.get(), callerLost.get(), limit.get(), written);
        } finally {
            stdinWriter.interrupt();
            if (holds != null) holds.interrupt();
            if (process.isAlive()) Signals.killTree(process.toHandle());
        }
    }

    private void pump(InputStream from, CallerLink.Output type) {
        byte[] buf = new byte[Limits.MAX_DATA];
        OutputStream to = redacted == null ? null
                : redacted.stream(type == CallerLink.Output.STDOUT ? RedactedOutput.Stream.STDOUT : RedactedOutput.Stream.STDERR);
        try (from) {
            int n;
            while ((n = from.read(buf)) > 0) {
                int allowed = cap.allow(n);
                try {
                    if (allowed > 0 && to == null) link.write(type, buf, 0, allowed);
                    else if (allowed > 0) to.write(buf, 0, allowed);
                } catch (IOException e) {
                    callerGone();
                    return;
                }
                outputBytes.addAndGet(allowed);
                if (allowed < n) {
                    // [sandbox] output_mb: the rest is cut, and the tool is not left writing into nothing
                    if (limit.compareAndSet("", "output")) Signals.killTree(process.toHandle());
                    break;
                }
            }
        } catch (IOException e) {
            // the pipe broke because the tree was killed
        }
        // held bytes go out once BOTH streams have ended: the other may still complete a secret this one began
        if (to != null) {
            try {
                to.close();
            } catch (IOException e) {
                callerGone();
            }
        }
    }

    /**
     * Releases held output when its hold is up (RedactedOutput: every byte is held the same time,
     * so what a granted tool echoes tells nothing by when it appears). Ends with the run.
     */
    private void releaseHeld() {
        try {
            while (!redacted.finished()) {
                long next = redacted.tick();
                // nothing held: look again after one hold (a write meanwhile is due no earlier than that)
                long wait = next == Long.MAX_VALUE ? RedactedOutput.HOLD_NANOS : Math.min(next - System.nanoTime(), RedactedOutput.HOLD_NANOS);
                if (wait > 0) Thread.sleep(java.time.Duration.ofNanos(wait));
            }
        } catch (IOException e) {
            callerGone();
        } catch (InterruptedException e) {
            // the run is over
        }
    }

    /** The caller's input: stdin data, end of stdin, signals. The caller gone kills the tool. */
    private void fromCaller(BlockingQueue<byte[]> stdin) {
        try {
            while (true) {
                switch (link.receive()) {
                    case CallerLink.FromCaller.Stdin d -> stdin.put(d.data());
                    case CallerLink.FromCaller.EndOfStdin e -> stdin.put(END_OF_STDIN);
                    case CallerLink.FromCaller.Signal sig -> {
                        if (Signals.forwardable(sig.number())) Signals.send(launch.signalTarget(process.toHandle()), sig.number());
                    }
                    case CallerLink.FromCaller.Gone g -> {
                        if (process.isAlive()) callerGone();
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            // the run is over
        }
    }

    private void feedStdin(BlockingQueue<byte[]> queue) {
        try (OutputStream stdin = process.getOutputStream()) {
            while (true) {
                byte[] chunk = queue.take();
                if (chunk == END_OF_STDIN) return;
                stdin.write(chunk);
                stdin.flush();
                stdinBytes.addAndGet(chunk.length);
            }
        } catch (IOException e) {
            // The tool closed its stdin; later chunks are dropped as a pipe would.
            drain(queue);
        } catch (InterruptedException e) {
            // the run is over
        }
    }

    private static void drain(BlockingQueue<byte[]> queue) {
        try {
            while (queue.take() != END_OF_STDIN) {
                // discard: the reader must never block on a tool that stopped reading
            }
        } catch (InterruptedException e) {
            // the run is over
        }
    }

    /**
     * The run's writes, scanned and applied to the workspace; the caller is told what held a secret.
     * A scan that fails is said too: then nothing of the run's writes reached the workspace.
     */
    private WrittenFiles.Report finished(int status) {
        String said;
        WrittenFiles.Report r = WrittenFiles.Report.NONE;
        try {
            r = launch.finished(status);
            said = r.redacted().isEmpty() ? "" : "airlock: sandbox: " + r.matches() + " secret(s) redacted in place in "
                    + r.redacted().size() + " file(s) the run wrote: " + r.redacted();
            if (!r.unscanned().isEmpty()) said += (said.isEmpty() ? "" : "\n") + "airlock: sandbox: WARNING: not carried to the"
                    + " workspace (special files, or what applying the run's writes refused): " + r.unscanned();
        } catch (IOException e) {
            said = "airlock: sandbox: WARNING: the run's writes were not (all) applied to the workspace: " + e.getMessage();
        }
        if (!said.isEmpty() && !callerLost.get()) {
            try {
                link.notice(said);
            } catch (IOException e) {
                callerLost.set(true);
            }
        }
        return r;
    }

    /** One marker line on stderr after the tool's own output: which limit, and what it did. */
    private void tellLimit() {
        try {
            link.notice("\n" + launch.limitMessage(limit.get()));
        } catch (IOException e) {
            callerLost.set(true);
        }
    }

    private void callerGone() {
        callerLost.set(true);
        Signals.killTree(process.toHandle());
    }
}
