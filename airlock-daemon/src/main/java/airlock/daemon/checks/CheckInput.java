package airlock.daemon.checks;

import airlock.daemon.core.PathMapper;
import airlock.daemon.core.Plan;
import airlock.rules.Decision;
import airlock.rules.Invocation;
import airlock.rules.Layer;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a check judges: the plan the other layers produced (executable, host cwd, environment,
 * profile, module) and the caller's arguments as the rules engine read them with the module's
 * {@code [flags]}, so a check never keeps a flag table of its own. Immutable: what a check finds
 * comes back in its {@link Checked}.
 *
 * @param plan       what will run
 * @param invocation the caller's arguments (without the module's appended ones), as read by the rules
 */
public record CheckInput(Plan plan, Invocation invocation) {

    public List<String> args() { return invocation.args(); }

    public Path cwd() { return plan.cwd(); }

    public Map<String, String> env() { return plan.env(); }

    public PathMapper mounts() { return new PathMapper(plan.profile().mounts()); }

    /** True when {@code flag} as typed takes a value in this module's syntax. */
    public boolean takesValue(String flag) { return plan.module().syntax().takesValueAsTyped(flag); }

    /** A refusal of this check's own rule ({@code NAME:RULE}, listed in docs/checks.md). */
    public static Decision refuse(String check, String rule, String reason) {
        return Decision.deny(Layer.CHECK, check + ":" + rule, reason);
    }

    /** As above, with what works instead. */
    public static Decision refuse(String check, String rule, String reason, String hint) {
        return Decision.deny(Layer.CHECK, check + ":" + rule, reason, hint);
    }
}
