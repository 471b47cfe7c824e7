package airlock.rules;

/** The independent layers a request passes, in the order they are consulted. */
public enum Layer {
    /** config.toml [commands] enable: a command not enabled does not exist. */
    CONFIG,
    /** profiles/NAME.toml commands = [...]. */
    PROFILE,
    /** The command module's [deny] or [allow] rules. */
    MODULE,
    /** Paths (cwd, confined path arguments) must stay inside the profile's mounts. */
    MOUNTS,
    /** A pre-exec hook. */
    HOOK,
    /**
     * A named tool check the module selects ({@code [checks] use = ["git"]}): what the tool would
     * read or do that argument rules cannot see (a repository's config, an ssh destination).
     * Its rules are named {@code CHECK:RULE} and listed in docs/checks.md.
     */
    CHECK
}
