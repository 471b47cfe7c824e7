package airlock.protocol;

/** The shim's own exit statuses, chosen like a shell's so scripts can tell them apart. */
public final class ExitCodes {
    private ExitCodes() {}

    /** Cannot reach the daemon, or the conversation broke (protocol error). */
    public static final int UNREACHABLE = 125;
    /** A policy layer refused: nothing ran. */
    public static final int REFUSED = 126;
    /** The command is not enabled: it does not exist here. */
    public static final int UNKNOWN_COMMAND = 127;
}
