package airlock.protocol;

/**
 * What one peer may make the other allocate. Checked before any buffer is sized from the wire, so
 * a daemon's memory per session is bounded by these numbers whatever a client sends.
 */
public final class Limits {
    private Limits() {}

    public static final int VERSION = 1;
    /** Largest payload of a REQUEST frame (argv, environment and the rest together). */
    public static final int MAX_REQUEST = 1024 * 1024;
    /** Largest payload of any other frame. STDIN/STDOUT/STDERR data comes in chunks of at most this. */
    public static final int MAX_DATA = 64 * 1024;
    /** Largest command name (a file name). */
    public static final int MAX_COMMAND = 255;
    /** Longest cwd (Linux PATH_MAX). */
    public static final int MAX_PATH = 4096;
    /** Longest container id hint (a Docker/Podman id is 64 hex digits). */
    public static final int MAX_CONTAINER_ID = 128;
    /** A profile key {@code ark_ID:SECRET} is about 60 bytes; anything longer is not one. */
    public static final int MAX_KEY = 256;
    public static final int MAX_ARGS = 8192;
    /** Total UTF-8 bytes of argv[1..]. */
    public static final int MAX_ARGV_BYTES = 768 * 1024;
    public static final int MAX_ENV_VARS = 4096;
    /** Total UTF-8 bytes of the environment's names and values. */
    public static final int MAX_ENV_BYTES = 256 * 1024;
}
