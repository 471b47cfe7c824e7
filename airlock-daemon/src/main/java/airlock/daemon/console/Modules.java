package airlock.daemon.console;

import java.util.List;

/** The effective module of each enabled command, and a dry run through every layer. */
public interface Modules {
    /** {@code source}: where it comes from (builtin:git or the user's file). */
    record View(String command, String source, String sha256, String toml) {}

    /** One layer's verdict; {@code allowed} null when the layer was not consulted. */
    record TraceLine(String layer, Boolean allowed, String detail) {}

    record Trace(List<TraceLine> lines, boolean allowed, String verdict) {
        public Trace {
            lines = List.copyOf(lines);
        }
    }

    List<View> list();

    /** Nothing runs. {@code cwd} is a container path. */
    Trace dryRun(String profile, String command, List<String> args, String cwd);
}
