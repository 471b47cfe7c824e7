package airlock.protocol;

/** Every frame on the wire is {@code type:u8 length:u32 payload}; see docs/protocol.md. */
public enum FrameType {
    /** client -> daemon, first frame: version, mode, command, argv, cwd, env, container hint, tty. */
    REQUEST(1),
    /** client -> daemon: bytes for the tool's stdin. */
    STDIN(2),
    /** client -> daemon: the caller's stdin is at its end. */
    STDIN_EOF(3),
    /** client -> daemon: a signal number the caller received, to deliver to the tool. */
    SIGNAL(4),
    /** daemon -> client: bytes the tool wrote to stdout. */
    STDOUT(16),
    /** daemon -> client: bytes the tool wrote to stderr. */
    STDERR(17),
    /** daemon -> client, last frame: exit status (0-255) and the signal that killed the tool (0 = none). */
    EXIT(18),
    /** daemon -> client, last frame: the request was refused (code, message); nothing ran. */
    REFUSAL(19),
    /** daemon -> client, last frame of a CHECK request: the decision, nothing ran. */
    VERDICT(20);

    public final int code;

    FrameType(int code) {
        this.code = code;
    }

    public static FrameType of(int code) throws ProtocolException {
        for (FrameType t : values()) if (t.code == code) return t;
        throw new ProtocolException("unknown frame type " + code);
    }
}
