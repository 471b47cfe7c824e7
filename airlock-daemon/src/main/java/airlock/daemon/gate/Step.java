package airlock.daemon.gate;

/**
 * One layer's verdict in a judgement, as {@code airlock test} prints it.
 *
 * @param layer  config, profile, module, mounts, binary or check NAME
 * @param state  what the layer said, or that it was not reached
 * @param detail one line for a person: what it looked at and why
 */
public record Step(String layer, State state, String detail) {
    public enum State { ALLOWED, REFUSED, NOT_REACHED }

    static Step allowed(String layer, String detail) { return new Step(layer, State.ALLOWED, detail); }

    static Step refused(String layer, String detail) { return new Step(layer, State.REFUSED, detail); }

    static Step notReached(String layer) { return new Step(layer, State.NOT_REACHED, "not reached: an earlier layer refused"); }
}
