package airlock.daemon.core;

import airlock.protocol.ExitCodes;
import airlock.rules.Decision;
import airlock.rules.Layer;

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

    /**
     * A refusal of a stage outside the Gate's rule layers (admission, approval, sandbox, vault,
     * audit): the caller gets {@code message} as it is; the record names {@code layer} and
     * {@code rule}, with the message (less its {@code airlock: refused by ...:} lead) as the reason.
     */
    public static Refusal by(Layer layer, String rule, String message) {
        return by(ExitCodes.REFUSED, layer, rule, message);
    }

    public static Refusal by(int exitCode, Layer layer, String rule, String message) {
        String reason = message.replaceFirst("^airlock: (refused by the [a-z-]+ layer: |refused: )?", "");
        return new Refusal(exitCode, message, Optional.of(Decision.deny(layer, rule, reason)));
    }

    /** What came is no request the daemon can read: the admission layer's, rule "protocol". */
    public static Refusal protocol(String detail) {
        return by(ExitCodes.UNREACHABLE, Layer.ADMISSION, "protocol", "airlock: protocol error: " + detail);
    }
}
