package airlock.rules;

import java.util.List;

/**
 * The answer for one request: allowed, or refused by one layer with the rule that refused it.
 * When allowed, {@code confinedPaths} lists path arguments the daemon must resolve on disk and
 * keep inside the profile's mounts. {@code hint} says what works instead (from the rule's
 * {@code hint} in its module), or is null.
 */
public record Decision(boolean allowed, Layer layer, String rule, String reason, List<ConfinedPath> confinedPaths,
                       String hint) {

    public Decision {
        confinedPaths = List.copyOf(confinedPaths);
    }

    public Decision(boolean allowed, Layer layer, String rule, String reason, List<ConfinedPath> confinedPaths) {
        this(allowed, layer, rule, reason, confinedPaths, null);
    }

    public static Decision allow(List<ConfinedPath> confinedPaths) {
        return new Decision(true, null, null, null, confinedPaths);
    }

    public static Decision deny(Layer layer, String rule, String reason) {
        return new Decision(false, layer, rule, reason, List.of());
    }

    public static Decision deny(Layer layer, String rule, String reason, String hint) {
        return new Decision(false, layer, rule, reason, List.of(), hint);
    }

    /** True when the refusal means "this command does not exist here" (exit 127 at the shim). */
    public boolean unknownCommand() {
        return !allowed && layer == Layer.CONFIG;
    }

    /**
     * One line for a person: {@code airlock: refused by the module layer (rule "push"): why. Instead: hint}.
     */
    public String message() {
        if (allowed) return "allowed";
        return "airlock: refused by the " + layer.name().toLowerCase() + " layer"
                + (rule == null ? "" : " (rule \"" + rule + "\")") + ": " + reason
                + (hint == null ? "" : ". Instead: " + hint);
    }
}
