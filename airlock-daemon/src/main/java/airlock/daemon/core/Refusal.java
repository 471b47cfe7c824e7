package airlock.daemon.core;

import airlock.protocol.ExitCodes;
import airlock.rules.Decision;

import java.util.Optional;

/**
 * Why a session ends without running anything: the shim's exit status and the one line it prints.
 * Every message starts with {@code airlock:} so an agent can tell it from the tool's own output.
 */
public record Refusal(int exitCode, String message, Optional<Decision> decision) {
    public Refusal {
        if (!message.startsWith("airlock:")) message = "airlock: " + message;
    }

    /** A refusal no layer decided (protocol, limits, the audit log): no layer or rule to record. */
    public Refusal(int exitCode, String message) {
        this(exitCode, message, Optional.empty());
    }

    public static Refusal of(Decision decision) {
        return new Refusal(decision.unknownCommand() ? ExitCodes.UNKNOWN_COMMAND : ExitCodes.REFUSED, decision.message(),
                Optional.of(decision));
    }

    public static Refusal protocol(String detail) {
        return new Refusal(ExitCodes.UNREACHABLE, "airlock: protocol error: " + detail);
    }
}
