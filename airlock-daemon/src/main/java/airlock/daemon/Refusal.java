package airlock.daemon;

import airlock.protocol.ExitCodes;
import airlock.rules.Decision;

/**
 * Why a session ends without running anything: the shim's exit status and the one line it prints.
 * Every message starts with {@code airlock:} so an agent can tell it from the tool's own output.
 */
public record Refusal(int exitCode, String message) {
    public Refusal {
        if (!message.startsWith("airlock:")) message = "airlock: " + message;
    }

    public static Refusal of(Decision decision) {
        return new Refusal(decision.unknownCommand() ? ExitCodes.UNKNOWN_COMMAND : ExitCodes.REFUSED, decision.message());
    }

    public static Refusal protocol(String detail) {
        return new Refusal(ExitCodes.UNREACHABLE, "airlock: protocol error: " + detail);
    }

    /** Thrown inside a session to end it with a refusal; never crosses the session boundary. */
    static final class Raised extends Exception {
        final Refusal refusal;

        Raised(Refusal refusal) {
            super(refusal.message(), null, false, false);
            this.refusal = refusal;
        }
    }

    Raised raise() {
        return new Raised(this);
    }
}
