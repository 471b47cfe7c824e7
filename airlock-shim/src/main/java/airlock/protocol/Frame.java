package airlock.protocol;

/** One frame as read from the wire. */
public record Frame(FrameType type, byte[] payload) {}
