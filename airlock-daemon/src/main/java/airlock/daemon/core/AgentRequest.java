package airlock.daemon.core;

import java.util.List;
import java.util.Map;

/**
 * What an agent asks, whatever it came over: the unix listener decodes it from the shim's
 * REQUEST frame, an HTTP listener would from a body. Everything in it is hostile input; the
 * listener has bounded it (sizes, NUL bytes), the Gate judges it.
 *
 * @param mode        RUN executes; CHECK only asks for the decision (airlock test); AGENT asks the
 *                    daemon itself ({@code airlock skill}, {@code whoami}, {@code secrets}):
 *                    command is "airlock", args the verb and its arguments
 * @param command     the command's name (the shim's argv[0] basename)
 * @param args        argv[1..]
 * @param cwd         the caller's working directory, a path inside its container
 * @param env         the caller's environment; the daemon passes only what a module names
 * @param containerId the caller's own claim of its container, "" when none; only a hint
 * @param stdinTty    whether the caller's stdin is a terminal
 * @param key         the profile key of a locked profile ({@code ark_ID:SECRET}), "" when none
 */
public record AgentRequest(Mode mode, String command, List<String> args, String cwd, Map<String, String> env,
                           String containerId, boolean stdinTty, String key) {

    public enum Mode { RUN, CHECK, AGENT }

    public AgentRequest {
        args = List.copyOf(args);
        env = Map.copyOf(env);
    }

    /** A request without a profile key. */
    public AgentRequest(Mode mode, String command, List<String> args, String cwd, Map<String, String> env,
                        String containerId, boolean stdinTty) {
        this(mode, command, args, cwd, env, containerId, stdinTty, "");
    }

    /** The same request with other arguments and working directory (a pre-exec hook's rewrite). */
    public AgentRequest rewritten(List<String> newArgs, String newCwd) {
        return new AgentRequest(mode, command, newArgs, newCwd, env, containerId, stdinTty, key);
    }

    /** Never prints the key or the environment's values: a request is logged by tests and by accident. */
    @Override
    public String toString() {
        return "AgentRequest[mode=" + mode + ", command=" + command + ", args=" + args + ", cwd=" + cwd + ", env=" + env.keySet()
                + ", containerId=" + containerId + ", stdinTty=" + stdinTty + ", key=" + (key.isEmpty() ? "none" : "<hidden>") + "]";
    }
}
