package airlock.protocol;

/** What one peer may make the other allocate. Checked before any buffer is sized from the wire. */
public final class Limits {
    private Limits() {}

    public static final int VERSION = 1;
    /** Largest payload of a REQUEST frame. */
    public static final int MAX_REQUEST = 4 * 1024 * 1024;
    /** Largest payload of any other frame. STDIN/STDOUT/STDERR data comes in chunks of at most this. */
    public static final int MAX_DATA = 64 * 1024;
    public static final int MAX_ARGS = 8192;
    /** Total bytes of argv (Linux ARG_MAX is 2 MiB for argv and env together). */
    public static final int MAX_ARGV_BYTES = 1024 * 1024;
    public static final int MAX_ENV_VARS = 4096;
    public static final int MAX_ENV_BYTES = 1024 * 1024;
    public static final int MAX_STRING = 1024 * 1024;
}
