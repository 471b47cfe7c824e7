package airlock.daemon;

import airlock.daemon.workspace.Workspace;
import airlock.protocol.ExitCodes;
import airlock.protocol.FrameReader;
import airlock.protocol.FrameType;
import airlock.protocol.FrameWriter;
import airlock.protocol.ProtocolException;
import airlock.protocol.Request;
import airlock.protocol.Verdict;
import airlock.rules.CommandModule;
import airlock.rules.ConfinedPath;
import airlock.rules.Decision;
import airlock.rules.Layer;
import airlock.rules.Policy;
import airlock.rules.Profile;
import airlock.daemon.audit.SessionAudit;
import airlock.daemon.hooks.HeldOutput;
import airlock.daemon.hooks.HookRequest;
import airlock.daemon.hooks.Hooks;
import airlock.protocol.ChannelStreams;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One connection on a profile's socket, one way from start to end:
 * caller -> request -> decision -> plan (mounts, paths, executable, environment) -> checks after
 * the decision -> execution and streams -> exit status -> one {@link SessionRecord}.
 * Each step either hands its value to the next or ends the session with a {@link Refusal}.
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
     * @param sandbox      runs the tools of modules with [sandbox] (the config directory hidden)
     */
    record Context(Supplier<Policy> policy, Map<String, String> daemonEnv, CommandLocks locks,
                   Consumer<SessionRecord> records, PrintStream log, Duration firstFrameTimeout,
                   Supplier<Hooks> hooks, SessionAudit audit, airlock.daemon.sandbox.SandboxLauncher sandbox) {}

    private final SocketChannel socket;
    private final String profileName;
    private final Context context;
    private final Instant started = Instant.now();
    private final String id = UUID.randomUUID().toString();

    private Caller caller = Caller.UNKNOWN;
    private Optional<Request> request = Optional.empty();
    private Optional<Decision> decision = Optional.empty();
    private Optional<Plan> plan = Optional.empty();
    private Optional<Request> rewritten = Optional.empty();
    private Optional<String> moduleSha256 = Optional.empty();
    private boolean recorded;

    Session(SocketChannel socket, String profileName, Context context) {
        this.socket = socket;
        this.profileName = profileName;
        this.context = context;
    }

    @Override
    public void run() {
        SessionRecord.Outcome outcome;
        try (socket) {
            FrameReader in = new FrameReader(ChannelStreams.in(socket));
            FrameWriter out = new FrameWriter(ChannelStreams.out(socket));
            try {
                outcome = serve(in, out);
            } finally {
                // close(2) does not wake a thread blocked in read(2) on the same socket; shutdown does,
                // so the caller-frames reader ends before the descriptor is closed and reused.
                shutdownQuietly();
            }
        } catch (IOException e) {
            outcome = new SessionRecord.Outcome.Broken(e.toString());
        } catch (InterruptedException e) {
            outcome = new SessionRecord.Outcome.Broken("interrupted");
        } catch (RuntimeException | Error e) {
            context.log().println("airlock: session on profile " + profileName + " failed: " + e);
            outcome = new SessionRecord.Outcome.Broken(e.toString());
        }
        // A connection that sent no request and was not refused (a liveness probe) leaves no record.
        if (!recorded && request.isPresent()) record(outcome);
    }

    /** Writes the audit record; called before the last frame. Empty when written, else the failure. */
    private Optional<String> record(SessionRecord.Outcome outcome) {
        recorded = true;
        SessionRecord r = new SessionRecord(started, Duration.between(started, Instant.now()), profileName,
                caller, request, decision, plan, outcome, id, rewritten);
        Optional<String> failure = context.audit().write(r, moduleSha256);
        context.records().accept(r);
        return failure;
    }

    private void shutdownQuietly() {
        try {
            socket.shutdownInput();
        } catch (IOException | RuntimeException e) {
            // already closed by the peer
        }
    }

    private SessionRecord.Outcome serve(FrameReader in, FrameWriter out) throws IOException, InterruptedException {
        try {
            caller = Caller.of(socket);
            request = Optional.of(readRequest(in));
            checkContainerHint(request.get());
            Policy policy = context.policy().get();
            moduleSha256 = Optional.ofNullable(policy.modules().get(request.get().command())).map(CommandModule::sha256);
            decision = Optional.of(policy.decide(profileName, request.get().command(), request.get().args()));
            if (!decision.get().allowed()) throw Refusal.of(decision.get()).raise();
            plan = Optional.of(prepare(policy, request.get(), decision.get()));
            // Checks after the decision (workspace checks, pre-exec hooks) judge the plan here;
            // each may end the session with a refusal before anything runs.
            Decision workspace = Workspace.check(plan.get(), request.get().args());
            if (!workspace.allowed()) throw Refusal.of(workspace).raise();
            if (request.get().mode() == Request.Mode.CHECK) {
                // A dry run runs no hooks: they may have side effects, and nothing is executed.
                SessionRecord.Outcome checked = new SessionRecord.Outcome.Ran(0, 0, 0, 0, false);
                record(checked); // a failure is said on stderr; a check runs nothing, so it still answers
                out.write(FrameType.VERDICT, Verdict.allow().encode());
                return checked;
            }
            Optional<String> auditBroken = context.audit().ready();
            if (auditBroken.isPresent()) throw new Refusal(ExitCodes.REFUSED, unrecorded(auditBroken.get())).raise();
            Hooks hooks = context.hooks().get();
            plan = Optional.of(preExec(hooks, policy, plan.get()));
            if (hooks.hasPostExec(profileName)) return runHeld(hooks, plan.get(), in, out);
            ToolRun.Result result = execute(plan.get(), in, out);
            SessionRecord.Outcome.Ran ran = new SessionRecord.Outcome.Ran(result.status(), result.signal(),
                    result.stdinBytes(), result.outputBytes(), result.callerLost());
            Optional<String> failure = record(ran);
            if (failure.isPresent() && !result.callerLost()) warnUnrecorded(out, failure.get());
            if (!result.callerLost()) out.exit(result.status(), result.signal());
            return ran;
        } catch (Refusal.Raised r) {
            SessionRecord.Outcome.Refused refused = new SessionRecord.Outcome.Refused(r.refusal);
            Optional<String> failure = record(refused);
            if (request.isPresent() && request.get().mode() == Request.Mode.CHECK) {
                // airlock test compares layer and rule with its own dry run
                Optional<Decision> d = decision.filter(x -> !x.allowed());
                out.write(FrameType.VERDICT, new Verdict(false, d.map(x -> x.layer().name().toLowerCase()).orElse(""),
                        d.map(Decision::rule).orElse(""), r.refusal.message()).encode());
            } else {
                out.refusal(r.refusal.exitCode(), r.refusal.message() + failure.map(f -> "\n" + unrecorded(f)).orElse(""));
            }
            return refused;
        }
    }

    private static String unrecorded(String failure) {
        return "airlock: refused: the audit log cannot be written and nothing runs unrecorded: " + failure;
    }

    private static void warnUnrecorded(FrameWriter out, String failure) throws IOException {
        byte[] msg = ("airlock: WARNING: this run is missing from the audit log (" + failure
                + "); requests are refused until it can be written\n").getBytes(StandardCharsets.UTF_8);
        out.data(FrameType.STDERR, msg, 0, msg.length);
    }

    /**
     * Pre-exec hooks judge the plan. A rewritten request is judged again by every layer (config,
     * profile, module rules, mounts, confined paths): a hook can narrow a request but never
     * smuggle in what the policy refuses.
     */
    private Plan preExec(Hooks hooks, Policy policy, Plan p) throws Refusal.Raised, InterruptedException {
        Request r = request.get();
        PathMapper mapper = new PathMapper(p.profile().mounts());
        Hooks.PreExec verdict = hooks.preExec(hookRequest(r, p), cwd -> mapper.toHost(cwd).map(Path::toString).orElse(null));
        switch (verdict) {
            case Hooks.PreExec.Refuse refuse -> throw Refusal.of(refuse.decision()).raise();
            case Hooks.PreExec.Proceed proceed -> {
                if (!proceed.rewritten()) return p;
                Request again = new Request(r.mode(), r.command(), proceed.request().args(), proceed.request().cwd(),
                        r.env(), r.containerId(), r.stdinTty());
                rewritten = Optional.of(again);
                decision = Optional.of(policy.decide(profileName, again.command(), again.args()));
                if (!decision.get().allowed()) throw Refusal.of(decision.get()).raise();
                Plan replanned = prepare(policy, again, decision.get());
                Decision workspace = Workspace.check(replanned, again.args());
                if (!workspace.allowed()) throw Refusal.of(workspace).raise();
                return replanned;
            }
        }
    }

    private HookRequest hookRequest(Request r, Plan p) {
        String container = !caller.containerId().isEmpty() ? caller.containerId() : r.containerId();
        return new HookRequest(id, profileName, r.command(), r.args(), r.cwd(), p.cwd().toString(),
                (int) caller.uid(), (int) caller.gid(), caller.pid(), container,
                r.env().keySet().stream().sorted().toList(), r.stdinTty());
    }

    /**
     * With a post-exec hook the output is held (up to a cap) instead of streamed, the hook sees
     * the whole result, and only what it lets through reaches the caller, after the record.
     */
    private SessionRecord.Outcome runHeld(Hooks hooks, Plan p, FrameReader in, FrameWriter out)
            throws IOException, InterruptedException {
        HeldOutput held = new HeldOutput(hooks.settings().maxBufferedOutput());
        ToolRun.Result result;
        try (CommandLocks.Held lock = context.locks().acquire(p.module())) {
            result = ToolRun.run(p, caller, in, new FrameWriter(held), context.sandbox());
        }
        boolean lost = result.callerLost() && !held.overflowed();
        SessionRecord.Outcome.Ran ran = new SessionRecord.Outcome.Ran(result.status(), result.signal(),
                result.stdinBytes(), result.outputBytes(), lost);
        if (lost) {
            record(ran);
            return ran;
        }
        Hooks.PostExec post = held.overflowed()
                ? new Hooks.PostExec.Withhold(Decision.deny(Layer.HOOK, "post-exec output limit", "the tool wrote more than "
                        + hooks.settings().maxBufferedOutput() + " bytes; output is held for the post-exec hook, so the tool was"
                        + " killed and its output withheld"))
                : hooks.postExec(hookRequest(rewritten.orElse(request.get()), p),
                        new Hooks.Result(result.status(), result.signal(), held.stdout(), held.stderr()));
        switch (post) {
            case Hooks.PostExec.Deliver deliver -> {
                Optional<String> failure = record(ran);
                Hooks.Result res = deliver.result();
                out.data(FrameType.STDOUT, res.stdout(), 0, res.stdout().length);
                out.data(FrameType.STDERR, res.stderr(), 0, res.stderr().length);
                if (failure.isPresent()) warnUnrecorded(out, failure.get());
                out.exit(res.exitStatus(), res.signal());
                return ran;
            }
            case Hooks.PostExec.Withhold withhold -> {
                Refusal refusal = Refusal.of(withhold.decision());
                SessionRecord.Outcome.Withheld w = new SessionRecord.Outcome.Withheld(ran, refusal);
                Optional<String> failure = record(w);
                byte[] msg = (refusal.message() + "\n").getBytes(StandardCharsets.UTF_8);
                out.data(FrameType.STDERR, msg, 0, msg.length);
                if (failure.isPresent()) warnUnrecorded(out, failure.get());
                out.exit(ExitCodes.REFUSED, 0);
                return w;
            }
        }
    }

    /**
     * A client that connects and sends nothing must not hold a session slot for ever. A blocking
     * channel has no read time-out, so a virtual thread shuts the input down when time is up,
     * which ends the blocked read.
     */
    private Request readRequest(FrameReader in) throws IOException, Refusal.Raised {
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
            if (!settled.compareAndSet(false, true)) throw timedOut();
            return r;
        } catch (IOException e) {
            if (!settled.compareAndSet(false, true)) throw timedOut();
            if (e instanceof ProtocolException p) throw Refusal.protocol(p.getMessage()).raise();
            throw e;
        } finally {
            timer.interrupt();
        }
    }

    private Refusal.Raised timedOut() {
        return Refusal.protocol("no request within " + context.firstFrameTimeout().toSeconds() + " s").raise();
    }

    /**
     * The shim's container id is only a hint; the kernel's answer wins. A caller whose hint names
     * another container is lying (or confused) and is refused, and the operator is told.
     */
    private void checkContainerHint(Request r) throws Refusal.Raised {
        String hint = r.containerId();
        if (hint.isEmpty() || caller.containerId().isEmpty() || hint.equals(caller.containerId())) return;
        context.log().println("airlock: refused pid " + caller.pid() + " uid " + caller.uid() + " on profile " + profileName
                + ": its shim claims container " + hint + " but its cgroup says " + caller.containerId());
        throw new Refusal(ExitCodes.REFUSED, "airlock: refused: the container id sent (" + hint
                + ") does not match the caller's cgroup (" + caller.containerId() + ")").raise();
    }

    /** Mounts and paths, the executable, argv and environment: everything the tool will get. */
    private Plan prepare(Policy policy, Request r, Decision d) throws Refusal.Raised {
        Profile profile = policy.profiles().get(profileName);
        CommandModule module = policy.modules().get(r.command());
        PathMapper mapper = new PathMapper(profile.mounts());
        Path cwd = mapper.toHost(r.cwd()).orElseThrow(() -> Refusal.of(Decision.deny(Layer.MOUNTS, null,
                "working directory " + r.cwd() + " is outside the profile's [mounts]")).raise());
        List<Path> confined = new ArrayList<>();
        for (ConfinedPath p : d.confinedPaths()) {
            confined.add(mapper.confine(p.path(), cwd).orElseThrow(() -> Refusal.of(Decision.deny(Layer.MOUNTS, null,
                    "path " + p.path() + (p.flag() == null || p.flag().isEmpty() ? "" : " (of " + p.flag() + ")")
                            + " resolves outside the profile's [mounts]")).raise()));
        }
        Path bin = Executables.find(module.bin(), context.daemonEnv().get("PATH")).orElseThrow(() ->
                new Refusal(ExitCodes.UNKNOWN_COMMAND, "airlock: '" + module.bin()
                        + "' is not installed on the host (not found on the daemon's PATH)").raise());
        List<String> argv = new ArrayList<>();
        argv.add(bin.toString());
        argv.addAll(r.args());
        argv.addAll(module.append());
        Map<String, String> env = HostEnvironment.build(context.daemonEnv(), r.env(), profile, module);
        return new Plan(profile, module, bin, argv, cwd, env, confined);
    }

    private ToolRun.Result execute(Plan p, FrameReader in, FrameWriter out) throws IOException, InterruptedException {
        try (CommandLocks.Held held = context.locks().acquire(p.module())) {
            return ToolRun.run(p, caller, in, out, context.sandbox());
        }
    }
}
