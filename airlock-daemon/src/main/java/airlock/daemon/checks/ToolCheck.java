package airlock.daemon.checks;

/**
 * A defense that needs the filesystem or the real tool, run after every other layer allowed a
 * request and before the tool starts: what the tool would read or do that argument rules cannot
 * see (a repository's config, an ssh destination, a path hidden inside a value). A module selects
 * checks by name ({@code [checks] use = ["git"]}), so an ejected module keeps them and a new tool
 * can opt in. A refusal names {@link airlock.rules.Layer#CHECK} and a rule {@code NAME:RULE} that
 * docs/checks.md lists, or {@link airlock.rules.Layer#MOUNTS} for a path outside the mounts.
 */
public interface ToolCheck {
    /** The name a module selects it by. */
    String name();

    /** The decision, with what the check found that the run must redact ({@link Checked#of} when nothing). */
    Checked check(CheckInput input);
}
