package airlock.daemon.listen.https;

/**
 * Why a request was refused before anything ran, as the client is told it: a status and a JSON
 * {@code {"error": "..."}}. No reason says which part of a secret was wrong (a bad signature is
 * one reason however close it came), and a detail only ever names a header or a parameter.
 */
public record Refusal(Reason reason, String detail) {
    public enum Reason {
        MISSING_HEADER(401, "missing header"),
        MALFORMED(401, "malformed signature headers"),
        UNSUPPORTED(401, "unsupported signature"),
        UNKNOWN_KEY(401, "unknown key"),
        REVOKED_KEY(401, "key revoked"),
        EXPIRED_KEY(401, "key expired"),
        PROFILE_INACTIVE(401, "the key's profile does not accept requests"),
        STALE(401, "created is more than 60 s in the past"),
        FUTURE(401, "created is more than 60 s in the future"),
        SHORT_NONCE(401, "nonce shorter than 16 characters"),
        BAD_SIGNATURE(401, "bad signature"),
        DIGEST_MISMATCH(401, "Content-Digest does not match the body"),
        REPLAY(401, "nonce already used by this key (a replayed request)"),
        TOO_MANY(429, "too many requests for this key; retry later"),
        TOO_MANY_FROM_ADDRESS(429, "too many requests from this address; retry later"),
        TOO_LARGE(413, "body too large");

        public final int status;
        public final String words;

        Reason(int status, String words) {
            this.status = status;
            this.words = words;
        }
    }

    public Refusal(Reason reason) {
        this(reason, "");
    }

    public int status() {
        return reason.status;
    }

    /** The one line the client reads. */
    public String message() {
        return "airlock: refused by the api layer: " + reason.words + (detail.isEmpty() ? "" : ": " + detail);
    }
}
