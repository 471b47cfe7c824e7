package airlock.daemon.gate;

import airlock.daemon.checks.CheckInput;
import airlock.daemon.checks.Checked;
import airlock.daemon.checks.ToolCheck;
import airlock.daemon.core.Executables;
import airlock.daemon.core.PathMapper;
import airlock.daemon.core.Plan;
import airlock.daemon.core.Refusal;
import airlock.daemon.core.Secret;
import airlock.daemon.sandbox.SandboxLauncher;
import airlock.daemon.sandbox.SandboxUnavailable;
import airlock.protocol.ExitCodes;
import airlock.daemon.core.AgentRequest;
import airlock.rules.CommandModule;
import airlock.rules.ConfinedPath;
import airlock.rules.Decision;
import airlock.rules.Invocation;
import airlock.rules.Layer;
import airlock.rules.Policy;
import airlock.rules.Profile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place a request is judged, layer by layer, for the daemon (a request, and again a
 * pre-exec hook's rewrite of it) and for {@code airlock test}:
 * <ol>
 * <li>config: the command is enabled in config.toml;
 * <li>profile: the profile exists and lists the command;
 * <li>module: the module's rules allow the arguments;
 * <li>mounts: the working directory and every path argument resolve inside the profile's mounts;
 * <li>binary: the module's executable is on the daemon's PATH;
 * <li>checks: each tool check the module selects allows what the tool would read or do;
 * <li>sandbox: what the module's [sandbox] needs is on this host (bubblewrap, the tools its
 *     limits and network need, a workspace it may run in), found without starting anything, so
 *     a run that could not be sandboxed is refused before any secret is read.
 * </ol>
 * The first three are pure and always all judged, so a person sees each one's verdict; from the
 * mounts on, the first refusal ends the judgement (a check runs host processes: never for a
 * request already refused). The verdict is the first refusal in this order.
 */
public final class Gate {
    private final ToolChecks checks;
    private final SandboxLauncher sandbox;

    public Gate(ToolChecks checks, SandboxLauncher sandbox) {
        this.checks = checks;
        this.sandbox = sandbox;
    }

    /**
     * @param daemonEnv the daemon's environment: PATH to find the executable, the host base variables
     */
    public Judgement judge(Policy policy, String profileName, AgentRequest request, Map<String, String> daemonEnv) {
        List<Step> trace = new ArrayList<>();
        String command = request.command();

        // the pure layers are Policy's; the trace adds what each looked at, for a person
        Decision config = policy.configLayer(command);
        trace.add(config.allowed() ? Step.allowed("config", command + " is in config.toml [commands] enable")
                : Step.refused("config", command + " is not in config.toml [commands] enable: it does not exist"));
        Decision first = config.allowed() ? null : config;

        Profile profile = policy.profiles().get(profileName);
        Decision profileLayer = policy.profileLayer(profileName, command);
        if (profile == null) {
            trace.add(Step.refused("profile", profileLayer.reason()));
        } else if (profileLayer.allowed()) {
            trace.add(Step.allowed("profile", profile.commands().isEmpty()
                    ? "commands = [] allows every enabled command" : "commands lists " + command));
        } else {
            trace.add(Step.refused("profile", "commands = " + profile.commands() + " does not list " + command));
        }
        if (first == null && !profileLayer.allowed()) first = profileLayer;

        CommandModule module = policy.modules().get(command);
        Invocation invocation = null;
        Decision rules = null;
        if (module == null) {
            Decision none = Policy.noModule(command);
            trace.add(Step.refused("module", none.reason()));
            if (first == null) first = none;
        } else {
            invocation = module.read(request.args());
            rules = module.judge(invocation);
            trace.add(rules.allowed()
                    ? Step.allowed("module", "no rule of " + module.source() + " refuses (" + module.mode().name().toLowerCase() + " mode)")
                    : Step.refused("module", (rules.rule() == null ? "" : "rule \"" + rules.rule() + "\": ") + rules.reason()));
            if (first == null && !rules.allowed()) first = rules;
        }
        if (first != null) return refused(Refusal.of(first), first, trace, "mounts", "binary", "checks", "sandbox");

        PathMapper mapper = new PathMapper(profile.mounts());
        Optional<Path> cwd = mapper.toHost(request.cwd());
        if (cwd.isEmpty()) {
            // the agent sees only container paths: name the folders it may work in (never a host path)
            String why = "working directory " + request.cwd() + (mapper.containerToHost(request.cwd()).isPresent()
                    ? " does not exist on the host, or leaves the profile's [mounts] through a symlink"
                    : " is outside the profile's [mounts]") + "; " + mounted(profile);
            trace.add(Step.refused("mounts", "cwd " + request.cwd() + " is outside the profile's [mounts] (or does not exist on the host)"));
            return refused(Decision.deny(Layer.MOUNTS, null, why), trace, "binary", "checks", "sandbox");
        }
        List<Path> confined = new ArrayList<>();
        // path arguments are container paths: an absolute one is mapped through the mounts (the
        // host tool gets the host path), and one under no container mount is not a path the agent
        // could know, so it is refused rather than read as a host path
        List<String> args = new ArrayList<>(request.args());
        for (ConfinedPath p : rules.confinedPaths()) {
            Optional<String> asHost = p.path().startsWith("/") ? mapper.containerToHost(p.path()) : Optional.of(p.path());
            if (asHost.isEmpty()) {
                trace.add(Step.refused("mounts", "cwd " + request.cwd() + " -> " + cwd.get() + "; "
                        + (p.flag() == null || p.flag().isEmpty() ? "" : p.flag() + " ") + p.path() + " is outside the profile's [mounts]"));
                return refused(Decision.deny(Layer.MOUNTS, null, "path " + p.path()
                        + (p.flag() == null || p.flag().isEmpty() ? "" : " (of " + p.flag() + ")")
                        + " resolves outside the profile's [mounts] (no container path of " + new java.util.TreeSet<>(profile.mounts().keySet())
                        + " holds it)"), trace, "binary", "checks", "sandbox");
            }
            if (!asHost.get().equals(p.path())) ContainerPaths.rewrite(args, p.path(), asHost.get());
            Optional<Path> host = mapper.confine(asHost.get(), cwd.get());
            if (host.isEmpty()) {
                String of = p.flag() == null || p.flag().isEmpty() ? "" : " (of " + p.flag() + ")";
                trace.add(Step.refused("mounts", "cwd " + request.cwd() + " -> " + cwd.get() + "; "
                        + (p.flag() == null || p.flag().isEmpty() ? "" : p.flag() + " ") + p.path() + " is outside the profile's [mounts]"));
                return refused(Decision.deny(Layer.MOUNTS, null, "path " + p.path() + of + " resolves outside the profile's [mounts]; "
                        + mounted(profile)),
                        trace, "binary", "checks", "sandbox");
            }
            confined.add(host.get());
        }
        trace.add(Step.allowed("mounts", "cwd " + request.cwd() + " -> " + cwd.get()));

        Optional<Path> bin = Executables.find(module.bin(), daemonEnv.get("PATH"));
        if (bin.isEmpty()) {
            trace.add(Step.refused("binary", "'" + module.bin() + "' is not on the daemon's PATH"));
            // the command does not exist here: the config layer's word, rule "binary" (exit 127)
            String why = "'" + module.bin() + "' is not installed on the host (not found on the daemon's PATH)";
            Refusal r = new Refusal(ExitCodes.UNKNOWN_COMMAND, "airlock: " + why, Optional.of(Decision.deny(Layer.CONFIG, "binary", why)));
            return refused(r, rules, trace, "checks", "sandbox");
        }
        trace.add(Step.allowed("binary", module.bin() + " is " + bin.get()));

        List<String> argv = new ArrayList<>();
        argv.add(bin.get().toString());
        argv.addAll(args);
        argv.addAll(module.append());
        Map<String, String> env = HostEnvironment.build(daemonEnv, request.env(), profile, module);
        Plan plan = new Plan(profile, module, bin.get(), argv, cwd.get(), env, confined);

        // the checks judge what the host tool will get: the arguments with host paths
        CheckInput input = new CheckInput(plan, args.equals(request.args()) ? invocation : module.read(args));
        List<Secret> found = new ArrayList<>();
        for (String name : module.checks()) {
            // the loader refuses unknown names; a check missing here would be a build error, and
            // is refused rather than skipped
            Optional<ToolCheck> check = checks.named(name);
            Checked checked = check.map(c -> c.check(input))
                    .orElse(Checked.of(Decision.deny(Layer.CHECK, name, "this airlock has no check named '" + name + "'")));
            Decision d = checked.decision();
            found.addAll(checked.found());
            if (!d.allowed()) {
                trace.add(Step.refused("check " + name, (d.rule() == null ? "" : "rule \"" + d.rule() + "\": ") + d.reason()));
                trace.add(Step.notReached("sandbox"));
                return new Judgement.Refused(Refusal.of(d), d, Optional.of(plan), trace);
            }
            trace.add(Step.allowed("check " + name, "passed"));
        }
        if (!found.isEmpty()) {
            plan = plan.withHostSecrets(found);
            trace.add(Step.allowed("redact", found.size() + " credential(s) of the host's own configuration ("
                    + String.join(", ", new java.util.TreeSet<>(found.stream().map(Secret::name).toList()))
                    + ") will be redacted from the output"));
        }
        if (module.checks().isEmpty()) trace.add(Step.allowed("checks", "the module selects none"));
        try {
            Optional<SandboxLauncher.Prepared> box = sandbox.prepare(plan);
            trace.add(Step.allowed("sandbox", box.map(b -> "bubblewrap " + b.bwrap() + b.runAs().map(u -> ", as uid " + u.uid()).orElse("")
                    + (b.spec().network() ? b.spec().hostNetwork() ? ", the host's network" : ", a network of its own" : ", no network"))
                    .orElse("the module asks for none")));
        } catch (SandboxUnavailable e) {
            Refusal r = Refusal.by(Layer.SANDBOX, e.rule(), e.getMessage());
            Decision d = r.decision().orElseThrow();
            trace.add(Step.refused("sandbox", d.reason()));
            return new Judgement.Refused(r, d, Optional.of(plan), trace);
        }
        // an [ask] rule does not refuse: the daemon holds the request until a person decides
        airlock.rules.Ask.match(module, profile, request.args()).ifPresent(m -> trace.add(Step.allowed("ask",
                "waits for a person: rule \"" + m.rule() + "\" of " + m.source() + " (" + m.evidence() + "); 'airlock approve ID'"
                        + " on the host within " + m.timeoutSeconds() + " s, else refused")));
        return new Judgement.Allowed(plan, rules, trace);
    }

    private static Judgement refused(Decision d, List<Step> trace, String... notReached) {
        return refused(Refusal.of(d), d, trace, notReached);
    }

    private static Judgement refused(Refusal r, Decision d, List<Step> trace, String... notReached) {
        for (String layer : notReached) trace.add(Step.notReached(layer));
        return new Judgement.Refused(r, d, Optional.empty(), trace);
    }

    /** The container paths a profile mounts, for a refusal the agent can act on. */
    static String mounted(Profile profile) {
        if (profile.mounts().isEmpty()) return "this profile mounts no folder, so every request is refused (a person on the host adds [mounts])";
        java.util.TreeSet<String> paths = new java.util.TreeSet<>(profile.mounts().keySet());
        return (paths.size() == 1 ? "the mounted folder is " : "the mounted folders are ") + String.join(", ", paths)
                + ": work in " + (paths.size() == 1 ? "it" : "one of them") + " or below";
    }
}
