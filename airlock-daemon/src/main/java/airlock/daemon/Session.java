package airlock.daemon;

import airlock.daemon.audit.SessionAudit;
import airlock.daemon.core.Caller;
import airlock.daemon.core.PathMapper;
import airlock.daemon.core.Plan;
import airlock.daemon.core.Refusal;
import airlock.daemon.core.SessionRecord;
import airlock.daemon.gate.Gate;
import airlock.daemon.gate.Judgement;
import airlock.daemon.hooks.HeldOutput;
import airlock.daemon.hooks.HookRequest;
import airlock.daemon.hooks.Hooks;
import airlock.daemon.redact.RedactionCounts;
import airlock.daemon.vault.RunSecrets;
import airlock.daemon.vault.SecretUnavailable;
import airlock.daemon.vault.Vault;
import airlock.protocol.ChannelStreams;
import airlock.protocol.ExitCodes;
import airlock.protocol.FrameReader;
import airlock.protocol.FrameType;
import airlock.protocol.FrameWriter;
import airlock.protocol.ProtocolException;
import airlock.protocol.Request;
import airlock.protocol.Verdict;
import airlock.rules.CommandModule;
import airlock.rules.Decision;
import airlock.rules.Layer;
import airlock.rules.Policy;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One connection on a profile's socket, one way from start to end:
 * caller -> request -> judgement ({@link Gate}) -> pre-exec hooks (a rewrite is judged again) ->
 * execution and streams -> {@link Ending}. Each step returns a value; {@link #finish} is the one
 * place a session ends: it writes the audit record, then sends the last frames.
 */
final class Session implements Runnable {
    /**
     * What every session of a daemon shares.
     *
     * @param policy       the current policy (a reload swaps it between sessions)
     * @param daemonEnv    the daemon's own environment: PATH to find tools, the host base variables
     * @param locks        serializes commands whose module says {@code concurrent = false}
     * @param records      receives the one record of each session (the audit log)
     * @param log          the daemon's log, for what an operator must see (refused container hints)
     * @param firstFrameTimeout how long a client may take to send its request
     * @param hooks        the hook layer of the current configuration
     * @param audit        the audit log; every record is written before the session's last frame
     * @param gate         judges every request and every hook rewrite
     * @param admission    the profile's life (expired, revoked, locked), the agent's verbs, approvals
     * @param vault        the secrets a profile grants its commands, read for one run each
     * @param sandbox      runs the tools of modules with [sandbox] (the config directory hidden)
     */
    record Context(Supplier<Policy> policy, Map<String, String> daemonEnv, CommandLocks locks,
                   Consumer<SessionRecord> records, PrintStream log, Duration firstFrameTimeout,
                   Supplier<Hooks> hooks, SessionAudit audit, Gate gate, Admission admission, Vault vault,
                   airlock.daemon.sandbox.SandboxLauncher sandbox) {}

    /** What the session knew when it ended: the fields of its record. */
    private record Known(Caller caller, Optional<Request> request, Optional<Decision> decision, Optional<Plan> plan,
                         Optional<Request> rewritten, Optional<String> moduleSha256) {
        static Known of(Caller caller) {
            return new Known(caller, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }

        Known asked(Request r, Optional<String> moduleSha256) {
            return new Known(caller, Optional.of(r), decision, plan, rewritten, moduleSha256);
        }

        /** A refused rewrite keeps the plan of the request as sent. */
        Known judged(Judgement j) {
            Optional<Plan> p = switch (j) {
                case Judgement.Allowed a -> Optional.of(a.plan());
                case Judgement.Refused r -> r.plan().or(() -> plan);
            };
            return new Known(caller, request, Optional.of(j.decision()), p, rewritten, moduleSha256);
        }

        Known rewrittenAs(Request again) {
            return new Known(caller, request, decision, plan, Optional.of(again), moduleSha256);
        }

        boolean isCheck() {
            return request.map(r -> r.mode() == Request.Mode.CHECK).orElse(false);
        }
    }

    /** How the session ends: the record's outcome and the frames that follow the record. */
    private record Ending(Known known, SessionRecord.Outcome outcome, Finale finale, SessionRecord.RunReport report) {
        Ending(Known known, SessionRecord.Outcome outcome, Finale finale) {
            this(known, outcome, finale, SessionRecord.RunReport.NONE);
        }

    }

    /** The session's last frames, sent after its record is written. */
    private sealed interface Finale {
        /** A streamed run: only the exit status is left to send. */
        record Exit(int status, int signal) implements Finale {}

        /** Nothing ran: a REFUSAL frame (a VERDICT frame for {@code airlock test}). */
        record Refuse(Refusal refusal) implements Finale {}

        /** {@code airlock test}: every layer allowed. */
        record Allow() implements Finale {}

        /** A held run the post-exec hook let through: its (possibly rewritten) output, then its status. */
        record Deliver(Hooks.Result result) implements Finale {}

        /** A held run the post-exec hook (or the output cap) withheld: why, then status 126. */
        record Withhold(Refusal refusal) implements Finale {}

        /** Nobody to answer: the caller went away, or the connection broke. */
        record Silent() implements Finale {}

        /** The daemon's own answer to an agent verb ({@code airlock skill}): its text, then its status. */
        record Answer(byte[] stdout, int status) implements Finale {}
    }

    private final SocketChannel socket;
    private final String profileName;
    private final Context context;
    private final Instant started = Instant.now();
    private final String id = UUID.randomUUID().toString();

    /** True on a stopped profile's socket: every request is refused with why, before any layer judges it. */
    private final boolean tombstone;

    Session(SocketChannel socket, String profileName, Context context) {
        this(socket, profileName, context, false);
    }

    private Session(SocketChannel socket, String profileName, Context context, boolean tombstone) {
        this.socket = socket;
        this.profileName = profileName;
        this.context = context;
        this.tombstone = tombstone;
    }

    /**
     * A connection on the socket of a profile that expired or was revoked: its request is read
     * (so the caller's write meets a reader, and the refusal is recorded like any other) and
     * refused with the reason. Nothing is judged, no verb answered, nothing run.
     */
    static Session tombstone(SocketChannel socket, String profileName, Context context) {
        return new Session(socket, profileName, context, true);
    }

    @Override
    public void run() {
        try (socket) {
            FrameReader in = new FrameReader(ChannelStreams.in(socket));
            // shared with a stop of the profile (expiry, revocation), so its refusal never interleaves with output
            FrameWriter out = context.admission().connections().writer(socket);
            try {
                finish(serve(in, out), out);
            } finally {
                // close(2) does not wake a thread blocked in read(2) on the same socket; shutdown does,
                // so the caller-frames reader ends before the descriptor is closed and reused.
                shutdownQuietly();
            }
        } catch (IOException e) {
            // the socket could not be closed: nothing left to tell anyone
        } catch (RuntimeException | Error e) {
            context.log().println("airlock: session on profile " + profileName + " failed: " + e);
        }
    }

    private Ending serve(FrameReader in, FrameWriter out) {
        Caller caller;
        try {
            caller = PeerCredentials.caller(socket);
        } catch (IOException e) {
            return broken(Known.of(Caller.UNKNOWN), e.toString());
        }
        Known known = Known.of(caller);
        try {
            RequestRead read = readRequest(in);
            if (read instanceof RequestRead.Failed f) return refused(known, f.refusal());
            Request request = ((RequestRead.Got) read).request();
            known = known.asked(request, Optional.empty());
            Optional<Refusal> liar = containerHintRefusal(caller, request);
            if (liar.isPresent()) return refused(known, liar.get());
            if (tombstone) return refused(known, new Refusal(ExitCodes.REFUSED, context.admission().stopped(profileName)));
            Optional<String> barred = context.admission().admit(profileName, request);
            if (barred.isPresent()) return refused(known, new Refusal(ExitCodes.REFUSED, barred.get()));
            if (request.mode() == Request.Mode.AGENT) return agent(known, request);
            Policy policy = context.policy().get();
            known = known.asked(request, Optional.ofNullable(policy.modules().get(request.command())).map(CommandModule::sha256));

            Judgement judgement = context.gate().judge(policy, profileName, request, context.daemonEnv());
            known = known.judged(judgement);
            if (judgement instanceof Judgement.Refused r) return refused(known, r.refusal());
            Plan plan = ((Judgement.Allowed) judgement).plan();
            // a dry run runs no hooks: they may have side effects, and nothing is executed
            if (request.mode() == Request.Mode.CHECK) return new Ending(known, ran(0, 0, 0, 0, false), new Finale.Allow());
            Optional<String> auditBroken = context.audit().ready();
            if (auditBroken.isPresent()) return refused(known, new Refusal(ExitCodes.REFUSED, unrecorded(auditBroken.get())));
            Hooks hooks = context.hooks().get();
            Request toRun = request;
            Hooks.PreExec pre = hooks.preExec(hookRequest(caller, request, plan), cwdMapper(plan));
            switch (pre) {
                case Hooks.PreExec.Refuse refuse -> {
                    return refused(known, Refusal.of(refuse.decision()));
                }
                case Hooks.PreExec.Proceed proceed when proceed.rewritten() -> {
                    // a hook can narrow a request but never smuggle in what the policy refuses:
                    // the rewrite is judged again by every layer
                    Request again = new Request(request.mode(), request.command(), proceed.request().args(),
                            proceed.request().cwd(), request.env(), request.containerId(), request.stdinTty());
                    Judgement rejudged = context.gate().judge(policy, profileName, again, context.daemonEnv());
                    known = known.rewrittenAs(again).judged(rejudged);
                    if (rejudged instanceof Judgement.Refused r) return refused(known, r.refusal());
                    plan = ((Judgement.Allowed) rejudged).plan();
                    toRun = again;
                }
                case Hooks.PreExec.Proceed proceed -> { }
            }
            // after the hooks: a person approves the argv that will run, not one a hook then rewrites
            Optional<String> unapproved = context.admission().askFirst(profileName, caller, toRun, plan.module(), plan.profile(), out);
            if (unapproved.isPresent()) return refused(known, new Refusal(ExitCodes.REFUSED, unapproved.get()));
            // again just before the tool starts: the profile may have ended while hooks or a person took their time
            barred = context.admission().admit(profileName, request);
            if (barred.isPresent()) return refused(known, new Refusal(ExitCodes.REFUSED, barred.get()));
            // the vault's values exist on the host for this run only: read now, removed when it ends
            RunSecrets secrets;
            try {
                secrets = RunSecrets.prepare(context.vault(), plan.profile(), request.command(), plan.hostSecrets());
            } catch (SecretUnavailable e) {
                return refused(known, new Refusal(ExitCodes.REFUSED, withoutVaultPath(e.getMessage())));
            } catch (IOException e) {
                context.log().println("airlock: vault: " + e.getMessage());
                return refused(known, new Refusal(ExitCodes.REFUSED, "airlock: vault: cannot read the secrets this command is"
                        + " granted (" + withoutVaultPath(String.valueOf(e.getMessage())) + "); nothing ran"));
            }
            try (secrets) {
                RedactionCounts counts = new RedactionCounts();
                return hooks.hasPostExec(profileName) ? runHeld(known, hooks, plan, secrets, counts, in)
                        : runStreamed(known, plan, secrets, counts, in, out);
            } catch (ToolRun.StoppedBeforeStart e) {
                // the stop has told the caller already (its refusal was the connection's last frame)
                Refusal stopped = new Refusal(ExitCodes.REFUSED, "airlock: " + e.getMessage());
                return new Ending(known, new SessionRecord.Outcome.Refused(stopped), new Finale.Silent());
            }
        } catch (IOException e) {
            return broken(known, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return broken(known, "interrupted");
        } catch (RuntimeException e) {
            context.log().println("airlock: session on profile " + profileName + " failed: " + e);
            return broken(known, e.toString());
        }
    }

    /** {@code airlock skill} and the other verbs of the daemon itself: recorded like a run. */
    private Ending agent(Known known, Request request) {
        return switch (context.admission().agent(profileName, request)) {
            case airlock.daemon.agent.AgentVerbs.Answer.Refused r -> refused(known, new Refusal(r.code(), r.message()));
            case airlock.daemon.agent.AgentVerbs.Answer.Text t -> {
                byte[] text = t.stdout().getBytes(StandardCharsets.UTF_8);
                yield new Ending(known, ran(t.status(), 0, 0, text.length, false), new Finale.Answer(text, t.status()));
            }
        };
    }

    /** The tool's output went to the caller as it came; the exit status is the last frame. */
    private Ending runStreamed(Known known, Plan plan, RunSecrets secrets, RedactionCounts counts, FrameReader in, FrameWriter out)
            throws IOException, InterruptedException {
        ToolRun.Result result;
        try (CommandLocks.Held held = context.locks().acquire(plan.module())) {
            result = ToolRun.run(plan, secrets.env(), known.caller(), in, out, secrets.redactor(), counts,
                    context.sandbox(), secrets.directory(), context.admission().connections().starts(socket));
        }
        return new Ending(known, ran(result), result.callerLost() ? new Finale.Silent() : new Finale.Exit(result.status(), result.signal()),
                report(secrets, counts, result));
    }

    /**
     * With a post-exec hook the output is held (up to a cap) instead of streamed, the hook sees
     * the whole result, and only what it lets through reaches the caller, after the record.
     */
    private Ending runHeld(Known known, Hooks hooks, Plan plan, RunSecrets secrets, RedactionCounts counts, FrameReader in)
            throws IOException, InterruptedException {
        HeldOutput held = new HeldOutput(hooks.settings().maxBufferedOutput());
        ToolRun.Result result;
        try (CommandLocks.Held lock = context.locks().acquire(plan.module())) {
            // redacted before it is framed: the post-exec hook sees markers only
            result = ToolRun.run(plan, secrets.env(), known.caller(), in, new FrameWriter(held), secrets.redactor(), counts,
                    context.sandbox(), secrets.directory(), context.admission().connections().starts(socket));
        }
        SessionRecord.RunReport report = report(secrets, counts, result);
        boolean lost = result.callerLost() && !held.overflowed();
        SessionRecord.Outcome.Ran ran = ran(result.status(), result.signal(), result.stdinBytes(), result.outputBytes(), lost);
        if (lost) return new Ending(known, ran, new Finale.Silent(), report);
        Hooks.PostExec post = held.overflowed()
                ? new Hooks.PostExec.Withhold(Decision.deny(Layer.HOOK, "post-exec output limit", "the tool wrote more than "
                        + hooks.settings().maxBufferedOutput() + " bytes; output is held for the post-exec hook, so the tool was"
                        + " killed and its output withheld"))
                : hooks.postExec(hookRequest(known.caller(), known.rewritten().orElse(known.request().orElseThrow()), plan),
                        new Hooks.Result(result.status(), result.signal(), held.stdout(), held.stderr()));
        return switch (post) {
            case Hooks.PostExec.Deliver deliver -> new Ending(known, ran, new Finale.Deliver(deliver.result()), report);
            case Hooks.PostExec.Withhold withhold -> {
                Refusal refusal = Refusal.of(withhold.decision());
                yield new Ending(known, new SessionRecord.Outcome.Withheld(ran, refusal), new Finale.Withhold(refusal), report);
            }
        };
    }

    /** The one end of every session: the audit record first, then the last frames. */
    private void finish(Ending e, FrameWriter out) {
        Known k = e.known();
        // a connection that sent no request and was not refused (a liveness probe) leaves no record
        boolean recorded = k.request().isPresent() || !(e.outcome() instanceof SessionRecord.Outcome.Broken);
        Optional<String> failure = Optional.empty();
        if (recorded) {
            SessionRecord r = new SessionRecord(started, Duration.between(started, Instant.now()), profileName,
                    k.caller(), k.request(), k.decision(), k.plan(), e.outcome(), id, k.rewritten(), e.report());
            failure = context.audit().write(r, k.moduleSha256());
            context.records().accept(r);
        }
        try {
            switch (e.finale()) {
                case Finale.Exit x -> {
                    if (failure.isPresent()) warnUnrecorded(out, failure.get());
                    out.exit(x.status(), x.signal());
                }
                case Finale.Refuse r when k.isCheck() -> {
                    // airlock test compares layer and rule with its own dry run
                    Optional<Decision> d = r.refusal().decision().filter(x -> !x.allowed());
                    out.write(FrameType.VERDICT, new Verdict(false, d.map(x -> x.layer().name().toLowerCase()).orElse(""),
                            d.map(Decision::rule).orElse(""), r.refusal().message()).encode());
                }
                case Finale.Refuse r -> out.refusal(r.refusal().exitCode(),
                        r.refusal().message() + failure.map(f -> "\n" + unrecorded(f)).orElse(""));
                // a check runs nothing, so it still answers when the record failed (said on stderr)
                case Finale.Allow a -> out.write(FrameType.VERDICT, Verdict.allow().encode());
                case Finale.Deliver d -> {
                    Hooks.Result res = d.result();
                    out.data(FrameType.STDOUT, res.stdout(), 0, res.stdout().length);
                    out.data(FrameType.STDERR, res.stderr(), 0, res.stderr().length);
                    if (failure.isPresent()) warnUnrecorded(out, failure.get());
                    out.exit(res.exitStatus(), res.signal());
                }
                case Finale.Withhold w -> {
                    byte[] msg = (w.refusal().message() + "\n").getBytes(StandardCharsets.UTF_8);
                    out.data(FrameType.STDERR, msg, 0, msg.length);
                    if (failure.isPresent()) warnUnrecorded(out, failure.get());
                    out.exit(ExitCodes.REFUSED, 0);
                }
                case Finale.Answer a -> {
                    out.data(FrameType.STDOUT, a.stdout(), 0, a.stdout().length);
                    if (failure.isPresent()) warnUnrecorded(out, failure.get());
                    out.exit(a.status(), 0);
                }
                case Finale.Silent s -> { }
            }
        } catch (IOException ex) {
            // the caller went away after the record was written: nobody left to tell
        }
    }

    private static SessionRecord.RunReport report(RunSecrets secrets, RedactionCounts counts, ToolRun.Result r) {
        return new SessionRecord.RunReport(secrets.injected(), counts.snapshot(), r.limit(),
                r.written().redacted().stream().map(Path::toString).toList(), r.written().matches(),
                r.written().unscanned().stream().map(Path::toString).toList());
    }

    private static Ending refused(Known known, Refusal refusal) {
        return new Ending(known, new SessionRecord.Outcome.Refused(refusal), new Finale.Refuse(refusal));
    }

    private static Ending broken(Known known, String reason) {
        return new Ending(known, new SessionRecord.Outcome.Broken(reason), new Finale.Silent());
    }

    private static SessionRecord.Outcome.Ran ran(ToolRun.Result r) {
        return ran(r.status(), r.signal(), r.stdinBytes(), r.outputBytes(), r.callerLost());
    }

    private static SessionRecord.Outcome.Ran ran(int status, int signal, long stdin, long output, boolean lost) {
        return new SessionRecord.Outcome.Ran(status, signal, stdin, output, lost);
    }

    /** The agent learns which secret failed, not where the host keeps its vault. */
    private String withoutVaultPath(String message) {
        return message.replace(context.vault().files().root().toAbsolutePath().toString(), "<the host's vault>");
    }

    private static String unrecorded(String failure) {
        return "airlock: refused: the audit log cannot be written and nothing runs unrecorded: " + failure;
    }

    private static void warnUnrecorded(FrameWriter out, String failure) throws IOException {
        byte[] msg = ("airlock: WARNING: this run is missing from the audit log (" + failure
                + "); requests are refused until it can be written\n").getBytes(StandardCharsets.UTF_8);
        out.data(FrameType.STDERR, msg, 0, msg.length);
    }

    /** A hook's rewritten cwd, mapped as the gate maps a request's. */
    private static java.util.function.Function<String, String> cwdMapper(Plan plan) {
        PathMapper mapper = new PathMapper(plan.profile().mounts());
        return cwd -> mapper.toHost(cwd).map(Path::toString).orElse(null);
    }

    private HookRequest hookRequest(Caller caller, Request r, Plan p) {
        String container = !caller.containerId().isEmpty() ? caller.containerId() : r.containerId();
        return new HookRequest(id, profileName, r.command(), r.args(), r.cwd(), p.cwd().toString(),
                (int) caller.uid(), (int) caller.gid(), caller.pid(), container,
                r.env().keySet().stream().sorted().toList(), r.stdinTty());
    }

    private void shutdownQuietly() {
        try {
            socket.shutdownInput();
        } catch (IOException | RuntimeException e) {
            // already closed by the peer
        }
    }

    /** The first frame, or why there is none. */
    private sealed interface RequestRead {
        record Got(Request request) implements RequestRead {}

        record Failed(Refusal refusal) implements RequestRead {}
    }

    /**
     * A client that connects and sends nothing must not hold a session slot for ever. A blocking
     * channel has no read time-out, so a virtual thread shuts the input down when time is up,
     * which ends the blocked read.
     */
    private RequestRead readRequest(FrameReader in) throws IOException {
        AtomicBoolean settled = new AtomicBoolean();
        Thread timer = Thread.ofVirtual().name("first-frame-timer").start(() -> {
            try {
                Thread.sleep(context.firstFrameTimeout());
                if (settled.compareAndSet(false, true)) shutdownQuietly();
            } catch (InterruptedException e) {
                // the request arrived in time
            }
        });
        try {
            Request r = Request.decode(in.expect(FrameType.REQUEST).payload());
            if (!settled.compareAndSet(false, true)) return timedOut();
            return new RequestRead.Got(r);
        } catch (IOException e) {
            if (!settled.compareAndSet(false, true)) return timedOut();
            if (e instanceof ProtocolException p) return new RequestRead.Failed(Refusal.protocol(p.getMessage()));
            throw e;
        } finally {
            timer.interrupt();
        }
    }

    private RequestRead timedOut() {
        return new RequestRead.Failed(Refusal.protocol("no request within " + context.firstFrameTimeout().toSeconds() + " s"));
    }

    /**
     * The shim's container id is only a hint; the kernel's answer wins. A caller whose hint names
     * another container is lying (or confused) and is refused, and the operator is told.
     */
    private Optional<Refusal> containerHintRefusal(Caller caller, Request r) {
        String hint = r.containerId();
        if (hint.isEmpty() || caller.containerId().isEmpty() || hint.equals(caller.containerId())) return Optional.empty();
        context.log().println("airlock: refused pid " + caller.pid() + " uid " + caller.uid() + " on profile " + profileName
                + ": its shim claims container " + hint + " but its cgroup says " + caller.containerId());
        return Optional.of(new Refusal(ExitCodes.REFUSED, "airlock: refused: the container id sent (" + hint
                + ") does not match the caller's cgroup (" + caller.containerId() + ")"));
    }
}
