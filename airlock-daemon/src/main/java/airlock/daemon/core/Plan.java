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
 */
public record Plan(Profile profile, CommandModule module, Path executable, List<String> argv,
                   Path cwd, Map<String, String> env, List<Path> confinedPaths) {
    public Plan {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
        confinedPaths = List.copyOf(confinedPaths);
    }
}
