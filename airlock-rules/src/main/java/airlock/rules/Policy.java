package airlock.rules;

import java.util.List;
import java.util.Map;

/**
 * The decision for one request, consulting the three layers in order. Each layer is independent:
 * the config is the ceiling, the profile narrows it, the module's rules judge the arguments.
 */
public final class Policy {
    private final Config config;
    private final Map<String, Profile> profiles;
    private final Map<String, CommandModule> modules;

    public Policy(Config config, Map<String, Profile> profiles, Map<String, CommandModule> modules) {
        this.config = config;
        this.profiles = Map.copyOf(profiles);
        this.modules = Map.copyOf(modules);
    }

    public Config config() { return config; }
    public Map<String, Profile> profiles() { return profiles; }
    public Map<String, CommandModule> modules() { return modules; }

    public Decision decide(String profileName, String command, List<String> args) {
        if (!config.isEnabled(command)) {
            return Decision.deny(Layer.CONFIG, null, "unknown command '" + command + "': not enabled in config.toml [commands] enable");
        }
        Profile profile = profiles.get(profileName);
        if (profile == null) return Decision.deny(Layer.PROFILE, null, "no profile named '" + profileName + "'");
        if (!profile.allows(command)) {
            return Decision.deny(Layer.PROFILE, null, "profile '" + profileName + "' does not allow '" + command + "'");
        }
        CommandModule module = modules.get(command);
        if (module == null) return Decision.deny(Layer.MODULE, null, "no command module for '" + command + "'");
        return ArgumentRules.judge(module, args);
    }
}
