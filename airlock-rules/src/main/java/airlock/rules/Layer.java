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
    /** A check of the workspace the tool would read (e.g. a repository's config). */
    WORKSPACE
}
