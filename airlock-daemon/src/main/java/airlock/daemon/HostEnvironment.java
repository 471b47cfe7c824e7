package airlock.daemon;

import airlock.rules.CommandModule;
import airlock.rules.Profile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tool's environment, built from scratch: never the daemon's whole environment and never the
 * caller's. Order: a small host base, caller variables the module passes, minus the module's
 * strip list, then the profile's set, then the module's set (hardening beats the profile).
 */
public final class HostEnvironment {
    static final List<String> BASE = List.of("PATH", "HOME", "USER", "LOGNAME", "LANG");

    private HostEnvironment() {}

    public static Map<String, String> build(Map<String, String> daemonEnv, Map<String, String> callerEnv,
                                            Profile profile, CommandModule module) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String k : BASE) {
            String v = daemonEnv.get(k);
            if (v != null) env.put(k, v);
        }
        for (String k : module.env().pass()) {
            String v = callerEnv.get(k);
            if (v != null) env.put(k, v);
        }
        for (String k : module.env().strip()) env.remove(k);
        env.putAll(profile.envSet());
        env.putAll(module.env().set());
        return env;
    }
}
