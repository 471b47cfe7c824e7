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
import org.newsclub.net.unix.AFUNIXSocket;

import java.io.IOException;
import java.io.PrintStream;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
     */
    record Context(Supplier<Policy> policy, Map<String, String> daemonEnv, CommandLocks locks,
                   Consumer<SessionRecord> records, PrintStream log, Duration firstFrameTimeout) {}

    private final AFUNIXSocket socket;
    private final String profileName;
    private final Context context;
    private final Instant started = Instant.now();

    private Caller caller = Caller.UNKNOWN;
    private Optional<Request> request = Optional.empty();
    private Optional<Decision> decision = Optional.empty();
    private Optional<Plan> plan = Optional.empty();

    Session(AFUNIXSocket socket, String profileName, Context context) {
        this.socket = socket;
        this.profileName = profileName;
        this.context = context;
    }

    @Override
    public void run() {
        SessionRecord.Outcome outcome;
        try (socket) {
            FrameReader in = new FrameReader(socket.getInputStream());
            FrameWriter out = new FrameWriter(socket.getOutputStream());
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
        if (request.isPresent()) {
            context.records().accept(new SessionRecord(started, Duration.between(started, Instant.now()), profileName,
                    caller, request, decision, plan, outcome));
        }
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
            decision = Optional.of(policy.decide(profileName, request.get().command(), request.get().args()));
            if (!decision.get().allowed()) throw Refusal.of(decision.get()).raise();
            plan = Optional.of(prepare(policy, request.get(), decision.get()));
            // Checks after the decision (workspace checks, pre-exec hooks) judge the plan here;
            // each may end the session with a refusal before anything runs.
            Decision workspace = Workspace.check(plan.get(), request.get().args());
            if (!workspace.allowed()) throw Refusal.of(workspace).raise();
            if (request.get().mode() == Request.Mode.CHECK) {
                out.write(FrameType.VERDICT, Verdict.allow().encode());
                return new SessionRecord.Outcome.Ran(0, 0, 0, 0, false);
            }
            ToolRun.Result result = execute(plan.get(), in, out);
            // Post-exec hooks run here, with the plan and the result.
            if (!result.callerLost()) out.exit(result.status(), result.signal());
            return new SessionRecord.Outcome.Ran(result.status(), result.signal(), result.stdinBytes(),
                    result.outputBytes(), result.callerLost());
        } catch (Refusal.Raised r) {
            if (request.isPresent() && request.get().mode() == Request.Mode.CHECK) {
                // airlock test compares layer and rule with its own dry run
                Optional<Decision> d = decision.filter(x -> !x.allowed());
                out.write(FrameType.VERDICT, new Verdict(false, d.map(x -> x.layer().name().toLowerCase()).orElse(""),
                        d.map(Decision::rule).orElse(""), r.refusal.message()).encode());
            } else {
                out.refusal(r.refusal.exitCode(), r.refusal.message());
            }
            return new SessionRecord.Outcome.Refused(r.refusal);
        }
    }

    private Request readRequest(FrameReader in) throws IOException, Refusal.Raised {
        try {
            socket.setSoTimeout((int) context.firstFrameTimeout().toMillis());
            Request r = Request.decode(in.expect(FrameType.REQUEST).payload());
            socket.setSoTimeout(0);
            return r;
        } catch (ProtocolException e) {
            throw Refusal.protocol(e.getMessage()).raise();
        } catch (SocketTimeoutException e) {
            throw Refusal.protocol("no request within " + context.firstFrameTimeout().toSeconds() + " s").raise();
        }
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
            return ToolRun.run(p, caller, in, out);
        }
    }
}
