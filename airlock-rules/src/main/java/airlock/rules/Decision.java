package airlock.rules;

import java.util.List;

/**
 * The answer for one request: allowed, or refused by one layer with the rule that refused it.
 * When allowed, {@code confinedPaths} lists path arguments the daemon must resolve on disk and
 * keep inside the profile's mounts.
 */
public record Decision(boolean allowed, Layer layer, String rule, String reason, List<ConfinedPath> confinedPaths) {

    public Decision {
        confinedPaths = List.copyOf(confinedPaths);
    }

    public static Decision allow(List<ConfinedPath> confinedPaths) {
        return new Decision(true, null, null, null, confinedPaths);
    }

    public static Decision deny(Layer layer, String rule, String reason) {
        return new Decision(false, layer, rule, reason, List.of());
    }

    /** True when the refusal means "this command does not exist here" (exit 127 at the shim). */
    public boolean unknownCommand() {
        return !allowed && layer == Layer.CONFIG;
    }

    /** One line for a person: {@code airlock: refused by the module layer: rule "push" ...}. */
    public String message() {
        if (allowed) return "allowed";
        return "airlock: refused by the " + layer.name().toLowerCase() + " layer"
                + (rule == null ? "" : " (rule \"" + rule + "\")") + ": " + reason;
    }
}
