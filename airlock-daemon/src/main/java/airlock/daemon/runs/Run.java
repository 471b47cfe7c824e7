package airlock.daemon.runs;

import airlock.daemon.core.Caller;
import airlock.daemon.core.Refusal;
import airlock.daemon.pipeline.CallerLink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * One run that outlives the connection that asked for it (an HTTPS API run): its identity, its
 * status, and its output as {@link RunOutput} events. Its caller's side of the request path is
 * {@link #link}: the run writes redacted output into the output, reads the stdin it was given,
 * and finds its caller "gone" when it is cancelled or interrupted, which stops its tool as a
 * disconnect would.
 */
public final class Run {
    /** What a run is, as a caller is shown it: never a secret (the output is redacted before it is kept). */
    public record View(String id, String profile, String keyId, String command, List<String> args, RunStatus status,
                       Integer exitCode, int signal, Instant created, Optional<Instant> ended, Optional<Refusal> refusal,
                       String error, Optional<Waiting> waiting) {}

    /** A pause the run waits in: its {@code seq} (the prompt event's number) and its prompt, redacted. */
    public record Waiting(long seq, String prompt, Instant since, Instant deadline) {}

    private final String id;
    private final String profile;
    /** A key holder for an API run; the kernel's peer for a shim's run kept at its first pause. */
    private final Caller caller;
    private final String command;
    private final List<String> args;
    private final Instant created;
    private final RunOutput output;
    private final byte[] stdin;
    private final Link link = new Link();
    /** Counted down when the run is over or told to stop: the caller-input reader then ends. */
    private final CountDownLatch released = new CountDownLatch(1);

    /** Guarded by {@code this}. */
    private RunStatus status = RunStatus.RUNNING;
    private Integer exitCode;
    private int signal;
    private Instant ended;
    private Refusal refusal;
    private String error = "";
    /** What a stop asked the run to end as (cancelled, interrupted); null while none did. */
    private RunStatus stopAs;
    /** The pause the run waits in now; null while it runs. */
    private Waiting waiting;

    Run(String id, String profile, Caller caller, String command, List<String> args, byte[] stdin, long maxOutput) {
        this.id = id;
        this.profile = profile;
        this.caller = caller;
        this.command = command;
        this.args = List.copyOf(args);
        this.stdin = stdin.clone();
        this.created = Instant.now();
        this.output = new RunOutput(maxOutput);
    }

    public String id() {
        return id;
    }

    public String profile() {
        return profile;
    }

    /** The API key that started it; "" for a shim's run. */
    public String keyId() {
        return caller instanceof Caller.KeyHolder k ? k.keyId() : "";
    }

    public RunOutput output() {
        return output;
    }

    public synchronized View view() {
        return new View(id, profile, keyId(), command, args, status, exitCode, signal, created, Optional.ofNullable(ended),
                Optional.ofNullable(refusal), error, Optional.ofNullable(waiting));
    }

    public synchronized RunStatus status() {
        return status;
    }

    /** The run's side of the request path: what its tool writes goes into {@link #output}. */
    public CallerLink link() {
        return link;
    }

    /**
     * The run pauses for an answer: its status becomes awaiting_input and its output gets the
     * prompt (redacted already). The pause's seq; -1 when the run ended or its output is full.
     */
    public long pause(byte[] prompt, Instant deadline) {
        synchronized (this) {
            if (status.ended() || stopAs != null || waiting != null) return -1;
        }
        output.status(RunStatus.AWAITING_INPUT);
        // the prompt event and the waiting state under one lock (this, then the output's: never the
        // other way): whoever reads the event and then asks waiting() finds this pause
        synchronized (this) {
            if (status.ended() || stopAs != null) return -1;
            long seq = output.prompt(prompt);
            if (seq < 0) return -1;
            status = RunStatus.AWAITING_INPUT;
            waiting = new Waiting(seq, new String(prompt, StandardCharsets.UTF_8), Instant.now(), deadline);
            return seq;
        }
    }

    /** The pause {@code seq} ended (answered, timed out, withdrawn): the run goes on, or ends as it is told. */
    public void resume(long seq) {
        synchronized (this) {
            if (waiting == null || waiting.seq() != seq) return;
            waiting = null;
            if (status.ended()) return;
            status = RunStatus.RUNNING;
        }
        output.status(RunStatus.RUNNING);
    }

    /** The pause the run waits in now. */
    public synchronized Optional<Waiting> waiting() {
        return Optional.ofNullable(waiting);
    }

    /**
     * Asks the run to end as {@code as} (cancelled by its caller, interrupted by airlock): its tool
     * is killed, a wait for a person is withdrawn. {@code notice} goes on stderr. False when the run
     * had ended already.
     */
    boolean stop(RunStatus as, String notice) {
        synchronized (this) {
            if (status.ended() || stopAs != null) return false;
            stopAs = as;
        }
        if (!notice.isEmpty()) {
            try {
                link.notice(notice);
            } catch (IOException e) {
                // the output is full: the status says why the run ended
            }
        }
        released.countDown();
        return true;
    }

    public synchronized boolean stopping() {
        return stopAs != null;
    }

    /** The run's end: a stop it was asked for wins over what its tool did meanwhile. */
    void end(RunStatus natural, Integer code, int sig, Refusal refused, String why) {
        RunStatus s;
        synchronized (this) {
            if (status.ended()) return;
            s = stopAs != null ? stopAs : natural;
            status = s;
            waiting = null;
            exitCode = code;
            signal = sig;
            refusal = refused;
            error = why;
            ended = Instant.now();
        }
        output.end(s, code, sig);
        released.countDown();
    }

    private final class Link implements CallerLink {
        /** 0: stdin to give, 1: its end to give, 2: nothing more until the run is released. */
        private int step;

        @Override
        public Caller caller() {
            return caller;
        }

        @Override
        public void write(Output stream, byte[] b, int off, int len) throws IOException {
            output.output(stream, b, off, len);
        }

        @Override
        public void notice(String line) throws IOException {
            byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
            output.output(Output.STDERR, b, 0, b.length);
        }

        @Override
        public FromCaller receive() throws InterruptedException {
            synchronized (this) {
                if (step == 0) {
                    step = 1;
                    if (stdin.length > 0) return new FromCaller.Stdin(stdin);
                }
                if (step == 1) {
                    step = 2;
                    return new FromCaller.EndOfStdin();
                }
            }
            released.await();
            return new FromCaller.Gone();
        }

        @Override
        public boolean gone() {
            return stopping();
        }

        @Override
        public Optional<String> keptRun() {
            return Optional.of(id);
        }
    }
}
