package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.Executables;
import airlock.daemon.PathMapper;
import airlock.rules.CommandModule;
import airlock.rules.Config;
import airlock.rules.ConfigError;
import airlock.rules.ConfinedPath;
import airlock.rules.Decision;
import airlock.rules.Layer;
import airlock.rules.Policy;
import airlock.rules.Profile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Judges one request in every layer on its own, so a person sees each layer's verdict and not
 * only the first refusal. The overall answer is {@link Policy#decide} itself (what the daemon
 * does), followed by the checks the daemon makes before it runs anything: mounts and the binary.
 */
final class DryRun {
    /** One layer's verdict: {@code null} allowed means the layer was not consulted. */
    record Step(String layer, Boolean allowed, String detail) {}

    /** The overall answer: what the daemon would do, in its words. */
    record Result(List<Step> steps, boolean allowed, String message) {}

    private DryRun() {}

    static Result run(ConfigDirectory dir, Policy policy, String profileName, String command, List<String> args,
                      String cwd, String path) throws IOException {
        List<Step> steps = new ArrayList<>();
        Config config = policy.config();
        steps.add(config.isEnabled(command)
                ? new Step("config", true, command + " is in " + dir.configFile().getFileName() + " [commands] enable")
                : new Step("config", false, command + " is not in " + dir.configFile().getFileName() + " [commands] enable: it does not exist"));

        Profile profile = policy.profiles().get(profileName);
        steps.add(profile.allows(command)
                ? new Step("profile", true, profile.commands().isEmpty() ? "commands = [] allows every enabled command" : "commands lists " + command)
                : new Step("profile", false, "commands = " + profile.commands() + " does not list " + command));

        Optional<CommandModule> module = moduleFor(dir, policy, command, steps);
        Decision moduleVerdict = null;
        if (module.isPresent()) {
            CommandModule m = module.get();
            // The module judged alone: a policy where the other layers let everything through.
            Policy alone = new Policy(new Config(List.of(command), config.log()),
                    Map.of(profileName, new Profile(profileName, List.of(), Map.of(), Map.of(), Optional.empty())),
                    Map.of(command, m));
            moduleVerdict = alone.decide(profileName, command, args);
            steps.add(moduleVerdict.allowed()
                    ? new Step("module", true, "no rule of " + m.source() + " refuses (" + m.mode().name().toLowerCase() + " mode)")
                    : new Step("module", false, (moduleVerdict.rule() == null ? "" : "rule \"" + moduleVerdict.rule() + "\": ") + moduleVerdict.reason()));
        }

        Decision decision = policy.decide(profileName, command, args);
        PathMapper mapper = new PathMapper(profile.mounts());
        Optional<Path> hostCwd = mapper.toHost(cwd);
        String mounts = hostCwd.map(h -> "cwd " + cwd + " -> " + h).orElse("cwd " + cwd + " is outside the profile's [mounts] (or does not exist on the host)");
        boolean mountsOk = hostCwd.isPresent();
        if (moduleVerdict != null && moduleVerdict.allowed() && hostCwd.isPresent()) {
            // the same confinement the daemon applies to path arguments (PathMapper.confine)
            for (ConfinedPath p : moduleVerdict.confinedPaths()) {
                if (mapper.confine(p.path(), hostCwd.get()).isEmpty()) {
                    mountsOk = false;
                    mounts += "; " + p.flag() + " " + p.path() + " is outside the profile's [mounts]";
                }
            }
        }
        steps.add(new Step("mounts", mountsOk, mounts));
        if (decision.allowed() && !mountsOk) {
            decision = Decision.deny(Layer.MOUNTS, null, mounts);
        }

        List<Path> hooks = HookPermissions.present(dir, List.of(profileName));
        steps.add(new Step("hook", null, hooks.isEmpty() ? "no pre-exec hook" : "not run in a dry run: " + hooks));

        if (module.isPresent()) {
            Optional<Path> bin = Executables.find(module.get().bin(), path);
            steps.add(new Step("binary", bin.isPresent(), bin.map(b -> module.get().bin() + " is " + b)
                    .orElse("'" + module.get().bin() + "' is not on the daemon's PATH: the daemon would refuse")));
            if (decision.allowed() && bin.isEmpty()) {
                return new Result(steps, false, "airlock: '" + module.get().bin() + "' is not installed on the host (not found on the daemon's PATH)");
            }
        }
        return new Result(steps, decision.allowed(), decision.message());
    }

    /** The module the daemon would use; for a command that is not enabled, the one it would use if it were. */
    private static Optional<CommandModule> moduleFor(ConfigDirectory dir, Policy policy, String command, List<Step> steps) throws IOException {
        CommandModule m = policy.modules().get(command);
        if (m != null) return Optional.of(m);
        try {
            Optional<CommandModule> found = dir.module(command);
            if (found.isEmpty()) steps.add(new Step("module", false, "no module for " + command + ": no built-in and no " + dir.userModule(command)));
            return found;
        } catch (ConfigError e) {
            steps.add(new Step("module", false, "does not load: " + e.getMessage()));
            return Optional.empty();
        }
    }
}
