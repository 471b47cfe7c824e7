package airlock.daemon.core;

import airlock.protocol.ExitCodes;
import airlock.rules.Decision;
import airlock.rules.Layer;

import java.util.Optional;

/**
 * Why a request ends without running anything: the exit status the agent's command ends with,
 * the one line it prints, and the layer (with its rule) that refused, which the audit record
 * names. Every message starts with {@code airlock:} so an agent can tell it from the tool's own
 * output; no refusal is made without a layer.
 */
public record Refusal(int exitCode, String message, Optional<Decision> decision) {
    public Refusal {
        if (!message.startsWith("airlock:")) message = "airlock: " + message;
        // every refusal names the layer that refused, for its record and for airlock test
        if (decision.isEmpty() || decision.get().allowed() || decision.get().layer() == null) {
            throw new IllegalArgumentException("a refusal without a refusing layer: " + message);
        }
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
