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
 * <p>A plan holds no vault value (the profile's grants name the secrets; the run reads them) and
 * no value in a form its generated {@code equals}, {@code hashCode} or {@code toString} reads:
 * a credential a check found is a {@link Secret} (identity, its name in print).
 *
 * @param hostSecrets credentials a tool check found in the host's own configuration that the tool
 *                    may print (a token in the user's ~/.gitconfig), redacted from this run's
 *                    output like a vault secret, under their names; never audited, never shown
 */
public record Plan(Profile profile, CommandModule module, Path executable, List<String> argv,
                   Path cwd, Map<String, String> env, List<Path> confinedPaths, List<Secret> hostSecrets) {
    public Plan {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
        confinedPaths = List.copyOf(confinedPaths);
        hostSecrets = List.copyOf(hostSecrets);
    }

    public Plan(Profile profile, CommandModule module, Path executable, List<String> argv,
                Path cwd, Map<String, String> env, List<Path> confinedPaths) {
        this(profile, module, executable, argv, cwd, env, confinedPaths, List.of());
    }

    public Plan withHostSecrets(List<Secret> found) {
        return new Plan(profile, module, executable, argv, cwd, env, confinedPaths, found);
    }

    /** Short: a plan may be printed or logged (the secrets print as their names anyway). */
    @Override
    public String toString() {
        return "Plan[" + executable + " " + argv + " in " + cwd + ", host secrets " + hostSecrets + "]";
    }
}
