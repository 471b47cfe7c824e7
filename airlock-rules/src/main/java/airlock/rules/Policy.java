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

    /** The same policy with {@code profile} in place of the profile of its name (the modules and config are shared). */
    public Policy withProfile(Profile profile) {
        Map<String, Profile> p = new java.util.HashMap<>(profiles);
        p.put(profile.name(), profile);
        return new Policy(config, p, modules);
    }

    /** The three pure layers in order: the first refusal, else the module's allowing decision. */
    public Decision decide(String profileName, String command, List<String> args) {
        Decision config = configLayer(command);
        if (!config.allowed()) return config;
        Decision profile = profileLayer(profileName, command);
        if (!profile.allowed()) return profile;
        CommandModule module = modules.get(command);
        return module == null ? noModule(command) : module.judge(module.read(args));
    }

    /** config.toml is the ceiling: a command not enabled does not exist. */
    public Decision configLayer(String command) {
        return config.isEnabled(command) ? Decision.allow(List.of())
                : Decision.deny(Layer.CONFIG, null, "unknown command '" + command + "': not enabled in config.toml [commands] enable");
    }

    /** The profile narrows the config: it exists and lists the command (or lists none). */
    public Decision profileLayer(String profileName, String command) {
        Profile profile = profiles.get(profileName);
        if (profile == null) return Decision.deny(Layer.PROFILE, null, "no profile named '" + profileName + "'");
        if (!profile.allows(command)) {
            return Decision.deny(Layer.PROFILE, null, "profile '" + profileName + "' does not allow '" + command + "'");
        }
        return Decision.allow(List.of());
    }

    /** The module layer when the command has no module at all. */
    public static Decision noModule(String command) {
        return Decision.deny(Layer.MODULE, null, "no command module for '" + command + "'");
    }
}
