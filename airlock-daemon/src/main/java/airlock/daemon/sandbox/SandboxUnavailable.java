package airlock.daemon.sandbox;

/** A sandboxed module cannot run as its [sandbox] asks; the message starts with "airlock:". */
public final class SandboxUnavailable extends Exception {
    public SandboxUnavailable(String message) {
        super(message);
    }
}
