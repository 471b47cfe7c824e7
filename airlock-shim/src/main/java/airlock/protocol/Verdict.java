package airlock.protocol;

/**
 * The payload of a {@link FrameType#VERDICT} frame: the daemon's answer to a CHECK request, which
 * runs nothing. Encoded as {@code allowed:u8 layer:string rule:string message:string}.
 *
 * @param allowed whether a RUN request with the same fields would execute
 * @param layer   the refusing layer in lower case ("config", "profile", "module", "mounts", ...), "" when allowed
 * @param rule    the rule that refused, as written in the module, "" when none
 * @param message the line a person reads ({@code airlock: refused by ...}, or "allowed")
 */
public record Verdict(boolean allowed, String layer, String rule, String message) {

    public static Verdict allow() {
        return new Verdict(true, "", "", "allowed");
    }

    public byte[] encode() {
        return new Payload.Builder().u8(allowed ? 1 : 0).string(layer).string(rule).string(message).bytes();
    }

    public static Verdict decode(byte[] payload) throws ProtocolException {
        Payload p = new Payload(payload);
        int allowed = p.u8();
        if (allowed > 1) throw new ProtocolException("verdict flag " + allowed + " is neither 0 nor 1");
        Verdict v = new Verdict(allowed == 1, p.string(), p.string(), p.string());
        p.end();
        return v;
    }
}
