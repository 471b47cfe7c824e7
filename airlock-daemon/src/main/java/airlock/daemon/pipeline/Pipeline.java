package airlock.daemon.pipeline;

import airlock.daemon.audit.SessionAudit;
import airlock.daemon.core.AgentRequest;
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
import airlock.daemon.sandbox.SandboxLauncher;
import airlock.daemon.sandbox.SandboxUnavailable;
import airlock.daemon.vault.RunSecrets;
import airlock.daemon.vault.SecretUnavailable;
import airlock.daemon.vault.Vault;
import airlock.protocol.ExitCodes;
import airlock.rules.CommandModule;
import airlock.rules.Decision;
import airlock.rules.Layer;
import airlock.rules.Policy;
import airlock.rules.Profile;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The request path, the same for every listener: what a listener read ({@link Intake}) and the
 * seam to its caller ({@link CallerLink}) go in; the stages run in one ordered list, each
 * passing or refusing with its layer (admission, judge, audit, pre-exec, approval, admission
 * again, vault); then the tool runs; the audit record is written; and a {@link Finish} comes
 * back for the listener to render. {@link #finish} is the one place a request ends: the record
 * first, then the reply. Nothing here knows a wire format.
 */
public final class Pipeline {
    /**
     * What every request of a daemon shares.
     *
     * @param policy       the current policy (a reload swaps it between requests)
     * @param daemonEnv    the daemon's own environment: PATH to find tools, the host base variables
     * @param locks        serializes commands whose module says {@code concurrent = false}
     * @param records      receives the one record of each request (tests, the console's feed)
     * @param log          the daemon's log, for what an operator must see (refused container hints)
     * @param hooks        the hook layer of the current configuration
     * @param audit        the audit log; every record is written before the request's reply
     * @param gate         judges every request and every hook rewrite
     * @param admission    the profile's life (expired, revoked, locked), the agent's verbs, approvals
     * @param vault        the secrets a profile grants its commands, read for one run each
     * @param sandbox      runs the tools of modules with [sandbox] (the config directory hidden)
     * @param outputHold   how long a run's output is held for redaction (RedactedOutput's hold; a test may lengthen it)
     * @param shadow       the {@code [shadow]} candidate policy, when one is loaded: every request is
     *                     judged by it too, and never acted on
     */
    public record Context(Supplier<Policy> policy, Map<String, String> daemonEnv, CommandLocks locks,
                          Consumer<SessionRecord> records, PrintStream log, Supplier<Hooks> hooks, SessionAudit audit,
                          Gate gate, Admission admission, Vault vault, SandboxLauncher sandbox, Duration outputHold,
                          Supplier<Optional<Policy>> shadow) {
        /** Without a shadow candidate. */
        public Context(Supplier<Policy> policy, Map<String, String> daemonEnv, CommandLocks locks,
                       Consumer<SessionRecord> records, PrintStream log, Supplier<Hooks> hooks, SessionAudit audit,
                       Gate gate, Admission admission, Vault vault, SandboxLauncher sandbox, Duration outputHold) {
            this(policy, daemonEnv, locks, records, log, hooks, audit, gate, admission, vault, sandbox, outputHold, Optional::empty);
        }
    }

    private final Context context;
    /** Scripts that pause for their caller's answer (llm.complete); {@link RunPauses#NONE} pauses none. */
    private final RunPauses pauses;

    public Pipeline(Context context) {
        this(context, RunPauses.NONE);
    }

    public Pipeline(Context context, RunPauses pauses) {
        this.context = context;
        this.pauses = pauses;
    }

    public Context context() {
        return context;
    }

    /**
     * One request from start to end.
     *
     * @param profileName the profile whose listener took it
     * @param stopped     true when that profile is stopped (expired, revoked): the request is
     *                    refused with why, before any layer judges it
     * @param starts      how the tool starts (a stop of the profile keeps it from starting)
     */
    public Finish serve(String profileName, Intake intake, CallerLink link, ToolRun.ProcessStart starts, boolean stopped) {
        return serve(profileName, intake, link, starts, stopped, Optional.empty());
    }

    /**
     * The same, for a listener that gives each run a folder of its own ({@link RunFolder}): the
     * request is judged and run with that folder as its profile's only mount.
     */
    public Finish serve(String profileName, Intake intake, CallerLink link, ToolRun.ProcessStart starts, boolean stopped,
                        Optional<RunFolder> folder) {
        Request request = new Request(profileName, link, starts, stopped, folder);
        Finish f = finish(request, request.serve(intake));
        // a run kept at a pause ends in its kept run: its first caller was told already
        return request.pause == null ? f : request.pause.settle(f);
    }

    /** What a request knew when it ended: the fields of its record. */
    private record Known(Caller caller, Optional<AgentRequest> request, Optional<Decision> decision, Optional<Plan> plan,
                         Optional<AgentRequest> rewritten, Optional<String> moduleSha256) {
        static Known of(Caller caller) {
            return new Known(caller, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }

        Known asked(AgentRequest r, Optional<String> moduleSha256) {
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

        Known rewrittenAs(AgentRequest again) {
            return new Known(caller, request, decision, plan, Optional.of(again), moduleSha256);
        }

        boolean isCheck() {
            return request.map(r -> r.mode() == AgentRequest.Mode.CHECK).orElse(false);
        }
    }

    /** How a request ends: the record's outcome and the reply that follows the record. */
    private record Ending(Known known, SessionRecord.Outcome outcome, Reply reply, SessionRecord.RunReport report) {
        Ending(Known known, SessionRecord.Outcome outcome, Reply reply) {
            this(known, outcome, reply, SessionRecord.RunReport.NONE);
        }
    }

    /**
     * What the stages have established so far: the record's fields, the request that will run
     * (a hook may have rewritten it), its plan, and the policy it was judged on.
     */
    private record Progress(Known known, AgentRequest toRun, Plan plan, Policy policy) {
        Progress with(Known k) {
            return new Progress(k, toRun, plan, policy);
        }
    }

    /** A stage's answer: go on, refused (by a layer, with the record's fields so far), or done without a run. */
    private sealed interface Step {
        record Next(Progress progress) implements Step {}

        record Refused(Known known, Refusal refusal) implements Step {}

        record Done(Ending ending) implements Step {}
    }

    @FunctionalInterface
    private interface Stage {
        Step apply(Progress p) throws IOException, InterruptedException;
    }

    /** One request's way through: the stages in order, then the run. */
    private final class Request {
        private final String profileName;
        private final CallerLink link;
        private final ToolRun.ProcessStart starts;
        private final boolean stopped;
        private final Optional<RunFolder> folder;
        private final Instant started = Instant.now();
        private final String id = UUID.randomUUID().toString();
        /**
         * The shadow candidate's differing verdict, set once by {@link #judge} and only read by
         * {@link #finish} for the record: kept beside the stages' values so that nothing a stage
         * decides can depend on it.
         */
        private Optional<SessionRecord.Shadow> shadow = Optional.empty();
        /** The run's pause channel, once it has one. */
        private RunPauses.Channel pause;

        /**
         * The stages, in the order a request meets them; the first refusal ends it. A new stage goes
         * here and in {@link #serve}; a judgement that is only recorded (the [shadow] candidate's)
         * is made beside the live one in {@link #judge}.
         */
        private final List<Stage> stages = List.of(this::judge, this::auditReady, this::preExec, this::ask, this::admitAgain);

        Request(String profileName, CallerLink link, ToolRun.ProcessStart starts, boolean stopped, Optional<RunFolder> folder) {
            this.profileName = profileName;
            this.link = link;
            this.starts = starts;
            this.stopped = stopped;
            this.folder = folder;
        }

        /** The policy this request is judged by: the current one, with the run's own folder as its profile's only mount. */
        private Policy policy() {
            return scoped(context.policy().get());
        }

        /** {@code policy} as this request sees it: with the run's own folder as its profile's only mount (the live one and a candidate alike). */
        private Policy scoped(Policy policy) {
            Profile profile = policy.profiles().get(profileName);
            if (folder.isEmpty() || profile == null) return policy;
            return policy.withProfile(profile.withMounts(folder.get().mounts()));
        }

        Ending serve(Intake intake) {
            Known known = Known.of(link.caller());
            AgentRequest request;
            switch (intake) {
                case Intake.Lost l -> {
                    return broken(known, l.reason());
                }
                case Intake.Unreadable u -> {
                    return refused(known, u.refusal());
                }
                case Intake.Arrived a -> request = a.request();
            }
            known = known.asked(request, Optional.empty());
            try {
                Optional<Refusal> barred = admit(request);
                if (barred.isPresent()) return refused(known, barred.get());
                if (request.mode() == AgentRequest.Mode.AGENT) return agent(known, request);
                Policy policy = policy();
                known = known.asked(request, Optional.ofNullable(policy.modules().get(request.command())).map(CommandModule::sha256));
                Progress p = new Progress(known, request, null, policy);
                for (Stage stage : stages) {
                    switch (stage.apply(p)) {
                        case Step.Next n -> p = n.progress();
                        case Step.Refused r -> {
                            return refused(r.known(), r.refusal());
                        }
                        case Step.Done d -> {
                            return d.ending();
                        }
                    }
                }
                return run(p);
            } catch (IOException e) {
                return broken(known, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return broken(known, "interrupted");
            } catch (RuntimeException e) {
                context.log().println("airlock: request on profile " + profileName + " failed: " + e);
                return broken(known, e.toString());
            }
        }

        /** Before anything is judged: the caller's claims, a stopped profile, the profile's life and key. */
        private Optional<Refusal> admit(AgentRequest request) {
            Optional<Refusal> liar = containerHintRefusal(profileName, link.caller(), request);
            if (liar.isPresent()) return liar;
            if (stopped) return Optional.of(context.admission().stopped(profileName));
            return context.admission().admit(profileName, request);
        }

        /** Every layer of the Gate; a dry run ({@code airlock test}) ends here. */
        private Step judge(Progress p) {
            Judgement judgement = context.gate().judge(p.policy(), profileName, p.toRun(), context.daemonEnv());
            if (p.toRun().mode() == AgentRequest.Mode.RUN) shadow = shadowed(p.toRun(), judgement);
            Known known = p.known().judged(judgement);
            if (judgement instanceof Judgement.Refused r) return new Step.Refused(known, r.refusal());
            Plan plan = ((Judgement.Allowed) judgement).plan();
            // a dry run runs no hooks: they may have side effects, and nothing is executed
            if (p.toRun().mode() == AgentRequest.Mode.CHECK) return new Step.Done(new Ending(known, ran(0, 0, 0, 0, false),
                    new Reply.Verdict(true, "", "", "allowed")));
            return new Step.Next(new Progress(known, p.toRun(), plan, p.policy()));
        }

        /**
         * The [shadow] candidate's judgement of the same request by the same Gate, kept only where
         * its verdict differs from the live one. It decides nothing: a failure here is logged and
         * the request goes on as the live policy said.
         */
        private Optional<SessionRecord.Shadow> shadowed(AgentRequest request, Judgement live) {
            Optional<Policy> candidate = context.shadow().get();
            if (candidate.isEmpty()) return Optional.empty();
            try {
                Judgement s = context.gate().judge(scoped(candidate.get()), profileName, request, context.daemonEnv());
                if (s.allowed() == live.allowed()) return Optional.empty();
                if (!(s instanceof Judgement.Refused r)) return Optional.of(new SessionRecord.Shadow(true, null, null));
                Optional<Decision> d = r.refusal().decision();
                return Optional.of(new SessionRecord.Shadow(false, d.map(x -> x.layer().name().toLowerCase()).orElse(null),
                        d.map(Decision::rule).orElse(null)));
            } catch (RuntimeException e) {
                context.log().println("airlock: shadow: judging a request on profile " + profileName + " by the candidate failed: " + e);
                return Optional.empty();
            }
        }

        /** Nothing runs unrecorded: a log that cannot be written refuses before any side effect. */
        private Step auditReady(Progress p) {
            Optional<String> broken = context.audit().ready();
            if (broken.isEmpty()) return new Step.Next(p);
            return new Step.Refused(p.known(), Refusal.by(Layer.AUDIT, "unwritable", unrecorded(broken.get())));
        }

        /** A pre-exec hook may refuse or narrow the request; a rewrite is judged again by every layer. */
        private Step preExec(Progress p) throws InterruptedException {
            Hooks.PreExec pre = context.hooks().get().preExec(hookRequest(link.caller(), p.toRun(), p.plan()), cwdMapper(p.plan()));
            return switch (pre) {
                case Hooks.PreExec.Refuse refuse -> new Step.Refused(p.known(), Refusal.of(refuse.decision()));
                case Hooks.PreExec.Proceed proceed when proceed.rewritten() -> {
                    // a hook can narrow a request but never smuggle in what the policy refuses
                    AgentRequest again = p.toRun().rewritten(proceed.request().args(), proceed.request().cwd());
                    Judgement rejudged = context.gate().judge(p.policy(), profileName, again, context.daemonEnv());
                    Known known = p.known().rewrittenAs(again).judged(rejudged);
                    if (rejudged instanceof Judgement.Refused r) yield new Step.Refused(known, r.refusal());
                    yield new Step.Next(new Progress(known, again, ((Judgement.Allowed) rejudged).plan(), p.policy()));
                }
                case Hooks.PreExec.Proceed proceed -> new Step.Next(p);
            };
        }

        /** After the hooks: a person approves the argv that will run, not one a hook then rewrites. */
        private Step ask(Progress p) throws InterruptedException {
            Optional<Refusal> unapproved = context.admission().askFirst(profileName, p.toRun(), p.plan().module(), p.plan().profile(), link);
            return unapproved.<Step>map(r -> new Step.Refused(p.known(), r)).orElse(new Step.Next(p));
        }

        /** Again just before the tool starts: the profile may have ended while hooks or a person took their time. */
        private Step admitAgain(Progress p) {
            Optional<Refusal> barred = context.admission().admit(profileName, p.known().request().orElseThrow());
            return barred.<Step>map(r -> new Step.Refused(p.known(), r)).orElse(new Step.Next(p));
        }

        /** The vault's values exist on the host for this run only: read now, removed when it ends. */
        private Ending run(Progress p) throws IOException, InterruptedException {
            Plan plan = p.plan();
            Known known = p.known();
            RunSecrets secrets;
            try {
                secrets = RunSecrets.prepare(context.vault(), plan.profile(), p.toRun().command(), plan.hostSecrets());
            } catch (SecretUnavailable e) {
                return refused(known, Refusal.by(Layer.VAULT, "secret unavailable", withoutVaultPath(e.getMessage())));
            } catch (IOException e) {
                context.log().println("airlock: vault: " + e.getMessage());
                return refused(known, Refusal.by(Layer.VAULT, "unreadable", "airlock: vault: cannot read the secrets this command is"
                        + " granted (" + withoutVaultPath(String.valueOf(e.getMessage())) + "); nothing ran"));
            }
            try (secrets) {
                RedactionCounts counts = new RedactionCounts();
                Hooks hooks = context.hooks().get();
                return hooks.hasPostExec(profileName) ? runHeld(known, hooks, plan, secrets, counts)
                        : runStreamed(known, plan, secrets, counts);
            } catch (SandboxUnavailable e) {
                // what the Gate's sandbox layer could not foresee (a cgroup, the write layer, the network)
                return refused(known, Refusal.by(Layer.SANDBOX, e.rule(), e.getMessage()));
            } catch (ToolRun.StoppedBeforeStart e) {
                // the stop has told the caller already (its refusal was the call's last word)
                Refusal refusal = Refusal.by(Layer.ADMISSION, "stopped", "airlock: " + e.getMessage());
                return new Ending(known, new SessionRecord.Outcome.Refused(refusal), new Reply.Silent());
            }
        }

        /** {@code airlock skill} and the other verbs of the daemon itself: recorded like a run. */
        private Ending agent(Known known, AgentRequest request) throws InterruptedException {
            Optional<Reply> paused = pauses.verb(profileName, request.args(), link);
            if (paused.isPresent()) {
                return switch (paused.get()) {
                    case Reply.Refuse r -> refused(known, r.refusal());
                    case Reply.Exit x -> new Ending(known, ran(x.status(), x.signal(), 0, 0, false), x);
                    default -> new Ending(known, ran(0, 0, 0, 0, true), new Reply.Silent());
                };
            }
            return switch (context.admission().agent(profileName, request)) {
                case airlock.daemon.agent.AgentVerbs.Answer.Refused r -> refused(known, Refusal.by(r.code(), Layer.ADMISSION, "agent verb", r.message()));
                case airlock.daemon.agent.AgentVerbs.Answer.Text t -> {
                    byte[] text = t.stdout().getBytes(StandardCharsets.UTF_8);
                    yield new Ending(known, ran(t.status(), 0, 0, text.length, false), new Reply.Answer(text, t.status()));
                }
            };
        }

        /** The tool's output went to the caller as it came; the exit status is left to send. */
        private Ending runStreamed(Known known, Plan plan, RunSecrets secrets, RedactionCounts counts)
                throws IOException, InterruptedException, SandboxUnavailable {
            ToolRun.Result result;
            // a sandboxed run may pause for its caller's answer; a held one (post-exec hook) may not
            if (plan.module().sandbox().isPresent()) {
                pause = pauses.open(profileName, known.request().orElseThrow(), link, secrets.redactor(), counts).orElse(null);
            }
            try (CommandLocks.Held held = context.locks().acquire(plan.module())) {
                result = ToolRun.run(plan, secrets.env(), link, secrets.redactor(), counts, context.sandbox(), secrets.directory(), starts,
                        context.outputHold(), Optional.ofNullable(pause));
            } finally {
                if (pause != null) pause.close();
            }
            return new Ending(known, ran(result), result.callerLost() ? new Reply.Silent() : new Reply.Exit(result.status(), result.signal(), result.limit()),
                    report(secrets, counts, result));
        }

        /**
         * With a post-exec hook the output is held (up to a cap) instead of streamed, the hook sees
         * the whole result, and only what it lets through reaches the caller, after the record.
         */
        private Ending runHeld(Known known, Hooks hooks, Plan plan, RunSecrets secrets, RedactionCounts counts)
                throws IOException, InterruptedException, SandboxUnavailable {
            HeldOutput held = new HeldOutput(hooks.settings().maxBufferedOutput());
            ToolRun.Result result;
            try (CommandLocks.Held lock = context.locks().acquire(plan.module())) {
                // redacted before it is held: the post-exec hook sees markers only
                result = ToolRun.run(plan, secrets.env(), holding(held), secrets.redactor(), counts, context.sandbox(), secrets.directory(),
                        starts, context.outputHold());
            }
            SessionRecord.RunReport report = report(secrets, counts, result);
            boolean lost = result.callerLost() && !held.overflowed();
            SessionRecord.Outcome.Ran ran = ran(result.status(), result.signal(), result.stdinBytes(), result.outputBytes(), lost);
            if (lost) return new Ending(known, ran, new Reply.Silent(), report);
            Hooks.PostExec post = held.overflowed()
                    ? new Hooks.PostExec.Withhold(Decision.deny(Layer.HOOK, "post-exec output limit", "the tool wrote more than "
                            + hooks.settings().maxBufferedOutput() + " bytes; output is held for the post-exec hook, so the tool was"
                            + " killed and its output withheld"))
                    : hooks.postExec(hookRequest(known.caller(), known.rewritten().orElse(known.request().orElseThrow()), plan),
                            new Hooks.Result(result.status(), result.signal(), held.stdout(), held.stderr()));
            return switch (post) {
                case Hooks.PostExec.Deliver deliver -> {
                    Hooks.Result r = deliver.result();
                    yield new Ending(known, ran, new Reply.Deliver(r.stdout(), r.stderr(), r.exitStatus(), r.signal()), report);
                }
                case Hooks.PostExec.Withhold withhold -> {
                    Refusal refusal = Refusal.of(withhold.decision());
                    yield new Ending(known, new SessionRecord.Outcome.Withheld(ran, refusal), new Reply.Withhold(refusal), report);
                }
            };
        }

        /** The caller's link with the output held for the post-exec hook instead of sent. */
        private CallerLink holding(HeldOutput held) {
            return new CallerLink() {
                @Override public Caller caller() { return link.caller(); }

                @Override public void write(Output stream, byte[] b, int off, int len) throws IOException {
                    held.write(stream == Output.STDERR, b, off, len);
                }

                @Override public void notice(String line) throws IOException {
                    byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
                    held.write(true, b, 0, b.length);
                }

                @Override public FromCaller receive() throws InterruptedException { return link.receive(); }

                @Override public boolean gone() { return link.gone(); }
            };
        }

        private HookRequest hookRequest(Caller caller, AgentRequest r, Plan p) {
            String container = !caller.containerId().isEmpty() ? caller.containerId() : r.containerId();
            return new HookRequest(id, profileName, r.command(), r.args(), r.cwd(), p.cwd().toString(),
                    (int) caller.uid(), (int) caller.gid(), caller.pid(), container,
                    r.env().keySet().stream().sorted().toList(), r.stdinTty());
        }
    }

    /** The one end of every request: the audit record first, then the reply for the listener. */
    private Finish finish(Request q, Ending e) {
        Known k = e.known();
        // a connection that sent no request and was not refused (a liveness probe) leaves no record
        boolean recorded = k.request().isPresent() || !(e.outcome() instanceof SessionRecord.Outcome.Broken);
        Optional<String> failure = Optional.empty();
        if (recorded) {
            SessionRecord r = new SessionRecord(q.started, Duration.between(q.started, Instant.now()), q.profileName,
                    k.caller(), k.request(), k.decision(), k.plan(), e.outcome(), q.id, k.rewritten(), e.report(), q.shadow);
            failure = context.audit().write(r, k.moduleSha256());
            context.records().accept(r);
        }
        Reply reply = e.reply();
        // airlock test compares layer and rule with its own dry run
        if (reply instanceof Reply.Refuse r && k.isCheck()) {
            Optional<Decision> d = r.refusal().decision().filter(x -> !x.allowed());
            reply = new Reply.Verdict(false, d.map(x -> x.layer().name().toLowerCase()).orElse(""), d.map(Decision::rule).orElse(""),
                    r.refusal().message());
        }
        return new Finish(reply, failure);
    }

    private static SessionRecord.RunReport report(RunSecrets secrets, RedactionCounts counts, ToolRun.Result r) {
        return new SessionRecord.RunReport(secrets.injected(), counts.snapshot(), r.limit(),
                r.written().redacted().stream().map(Path::toString).toList(), r.written().matches(),
                r.written().unscanned().stream().map(Path::toString).toList());
    }

    private static Ending refused(Known known, Refusal refusal) {
        return new Ending(known, new SessionRecord.Outcome.Refused(refusal), new Reply.Refuse(refusal));
    }

    private static Ending broken(Known known, String reason) {
        return new Ending(known, new SessionRecord.Outcome.Broken(reason), new Reply.Silent());
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

    static String unrecorded(String failure) {
        return "airlock: refused: the audit log cannot be written and nothing runs unrecorded: " + failure;
    }

    /** A hook's rewritten cwd, mapped as the gate maps a request's. */
    private static java.util.function.Function<String, String> cwdMapper(Plan plan) {
        PathMapper mapper = new PathMapper(plan.profile().mounts());
        return cwd -> mapper.toHost(cwd).map(Path::toString).orElse(null);
    }

    /**
     * The shim's container id is only a hint; the kernel's answer wins. A caller whose hint names
     * another container is lying (or confused) and is refused, and the operator is told.
     */
    private Optional<Refusal> containerHintRefusal(String profileName, Caller caller, AgentRequest r) {
        String hint = r.containerId();
        if (hint.isEmpty() || caller.containerId().isEmpty() || hint.equals(caller.containerId())) return Optional.empty();
        context.log().println("airlock: refused pid " + caller.pid() + " uid " + caller.uid() + " on profile " + profileName
                + ": its shim claims container " + hint + " but its cgroup says " + caller.containerId());
        return Optional.of(Refusal.by(Layer.ADMISSION, "container hint", "airlock: refused: the container id sent (" + hint
                + ") does not match the caller's cgroup (" + caller.containerId() + ")"));
    }
}
