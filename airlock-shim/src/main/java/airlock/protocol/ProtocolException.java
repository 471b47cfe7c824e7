package airlock.protocol;

import java.io.IOException;

/** The peer sent something that is not a valid frame, or broke a limit. */
public class ProtocolException extends IOException {
    public ProtocolException(String message) {
        super(message);
    }
}
