package airlock.daemon.sandbox;

/**
 * A sandboxed module cannot run as its [sandbox] asks: the sandbox layer's refusal. The message
 * starts with "airlock:" and says what to do; {@link #rule} names what is missing, for the record.
 */
public final class SandboxUnavailable extends Exception {
    private final String rule;

    public SandboxUnavailable(String message) {
        this("unavailable", message);
    }

    public SandboxUnavailable(String rule, String message) {
        super(message);
        this.rule = rule;
    }

    /** What is missing, in a word or two ("bubblewrap", "mounts", "owner", ...): the audit record's rule. */
    public String rule() {
        return rule;
    }
}
