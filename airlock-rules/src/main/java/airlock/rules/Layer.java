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
    CHECK,
    /**
     * Outside the Gate's rules, before and after them: whether the profile may serve at all
     * (expired, revoked, locked, stopped), whether the caller's claims hold (its container), and
     * whether what came is a request at all (protocol).
     */
    ADMISSION,
    /** A person's answer to an [ask] rule: denied, not given in time, or the caller left. */
    APPROVAL,
    /** The module's [sandbox] cannot be had on this host (bubblewrap, a tool it needs, the mounts). */
    SANDBOX,
    /** A secret the command is granted cannot be read (empty, removed, damaged). */
    VAULT,
    /** The audit log cannot be written, and nothing runs unrecorded. */
    AUDIT
}
