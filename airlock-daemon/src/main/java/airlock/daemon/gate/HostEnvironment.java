package airlock.daemon.gate;

import airlock.rules.CommandModule;
import airlock.rules.Profile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tool's environment, built from scratch: never the daemon's whole environment and never the
 * caller's. Order: a small host base, caller variables the module passes, minus the module's
 * strip list, then the profile's set, then the module's set (hardening beats the profile), then
 * the run's injected secrets (the vault's grants): nothing the caller sends can replace one, and
 * a profile cannot grant a secret in a variable the module forces (the config load refuses that).
 */
public final class HostEnvironment {
    public static final List<String> BASE = List.of("PATH", "HOME", "USER", "LOGNAME", "LANG");

    private HostEnvironment() {}

    public static Map<String, String> build(Map<String, String> daemonEnv, Map<String, String> callerEnv,
                                            Profile profile, CommandModule module) {
        return build(daemonEnv, callerEnv, profile, module, Map.of());
    }

    /** As above, with {@code injected} (airlock.daemon.vault.RunSecrets#env) put in last. */
    public static Map<String, String> build(Map<String, String> daemonEnv, Map<String, String> callerEnv,
                                            Profile profile, CommandModule module, Map<String, String> injected) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String k : BASE) {
            String v = daemonEnv.get(k);
            if (v != null) env.put(k, v);
        }
        for (String k : module.env().pass()) {
            String v = callerEnv.get(k);
            if (v != null && mayComeFromCaller(k)) env.put(k, v);
        }
        for (String k : module.env().strip()) env.remove(k);
        env.putAll(profile.envSet());
        env.putAll(module.env().set());
        for (String k : injected.keySet()) {
            if (module.env().set().containsKey(k)) {
                throw new IllegalArgumentException("airlock: a secret cannot replace " + k + ", which the module forces");
            }
        }
        env.putAll(injected);
        return env;
    }

    /**
     * Even a module that names them cannot take these from the caller: they decide which code the
     * host runs (the dynamic loader's variables, PATH) or where the host's credentials are (HOME).
     */
    public static boolean mayComeFromCaller(String name) {
        return !name.isEmpty() && name.indexOf('=') < 0 && !BASE.contains(name)
                && !name.startsWith("LD_") && !name.startsWith("DYLD_") && !name.equals("BASH_ENV") && !name.equals("ENV");
    }
}
