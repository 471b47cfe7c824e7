package airlock.daemon.core;

import airlock.rules.CommandModule;
import airlock.rules.Profile;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What an allowed request will run on the host, fully resolved: the executable on the daemon's
 * PATH, the explicit argv (argv[0] is the executable, never a shell), the host working directory
 * inside the profile's mounts and the environment built from scratch. Checks that run after the
 * decision (workspace checks, pre-exec hooks) judge this value.
 *
 * @param hostSecrets credentials a tool check found in the host's own configuration that the tool
 *                    may print (a token in the user's ~/.gitconfig): name to value, redacted from
 *                    this run's output like a vault secret; never audited, never shown
 */
public record Plan(Profile profile, CommandModule module, Path executable, List<String> argv,
                   Path cwd, Map<String, String> env, List<Path> confinedPaths, Map<String, String> hostSecrets) {
    public Plan {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
        confinedPaths = List.copyOf(confinedPaths);
        hostSecrets = Map.copyOf(hostSecrets);
    }

    public Plan(Profile profile, CommandModule module, Path executable, List<String> argv,
                Path cwd, Map<String, String> env, List<Path> confinedPaths) {
        this(profile, module, executable, argv, cwd, env, confinedPaths, Map.of());
    }

    public Plan withHostSecrets(Map<String, String> found) {
        return new Plan(profile, module, executable, argv, cwd, env, confinedPaths, found);
    }

    /** Never the values: a plan may be printed or logged. */
    @Override
    public String toString() {
        return "Plan[" + executable + " " + argv + " in " + cwd + ", host secrets " + hostSecrets.keySet() + "]";
    }
}
