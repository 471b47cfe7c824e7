package airlock.daemon.listen.https;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a request's RFC 9421 signature (hmac-sha256) and RFC 9530 {@code Content-Digest}, as
 * docs/api.md specifies: one signature under any label, covering at least {@code "@method"
 * "@path" "@query" "content-digest"} in any order, with {@code created} (at most 60 s from this
 * clock), a {@code nonce} of at least 16 characters that this key has not used inside the window,
 * and {@code keyid}; {@code alg}, when sent, must be {@code hmac-sha256}. Every comparison of a
 * secret-derived value is constant-time ({@link MessageDigest#isEqual}). The nonce is recorded only
 * once the signature and digest are good, so nobody without the key can use up a key's window.
 */
public final class RequestVerifier {
    public static final long SKEW_SECONDS = 60;
    public static final int MIN_NONCE = 16;
    static final int MAX_NONCE = 256;
    static final List<String> REQUIRED = List.of("@method", "@path", "@query", "content-digest");

    /** What the verifier needs of the key store: a key's secret and profile, or why it is refused. */
    @FunctionalInterface
    public interface KeyLookup {
        Found find(String keyId);
    }

    public sealed interface Found {
        /** @param secret the bytes the HMAC is keyed with (the secret's UTF-8); the caller may wipe them after */
        record Usable(byte[] secret, String profile) implements Found {
            @Override
            public String toString() {
                return "Usable[profile=" + profile + "]";
            }
        }

        record Refused(Refusal refusal) implements Found {}
    }

    public sealed interface Outcome {
        /** @param keyId as the client named it ({@code ark_ID}) */
        record Verified(String keyId, String profile) implements Outcome {}

        record Refused(Refusal refusal) implements Outcome {}
    }

    private final KeyLookup keys;
    private final Clock clock;
    private final NonceWindow nonces;

    public RequestVerifier(KeyLookup keys, Clock clock, int maxNoncesPerKey) {
        this.keys = keys;
        this.clock = clock;
        this.nonces = new NonceWindow(2 * SKEW_SECONDS, maxNoncesPerKey);
    }

    public Outcome verify(SignedRequest r, String scheme) {
        try {
            return check(r, scheme);
        } catch (Refused e) {
            return new Outcome.Refused(e.refusal);
        }
    }

    /** Seconds a refused-as-too-many key should wait. */
    public long retryAfter(String keyId) {
        return nonces.retryAfter(keyId, clock.instant().getEpochSecond());
    }

    private Outcome check(SignedRequest r, String scheme) throws Refused {
        String input = require(r, "signature-input", "Signature-Input");
        String signature = require(r, "signature", "Signature");
        String digest = require(r, "content-digest", "Content-Digest");
        Map<String, StructuredFields.Member> inputs = dictionary(input, "Signature-Input");
        Map<String, StructuredFields.Member> signatures = dictionary(signature, "Signature");
        if (inputs.size() != 1 || signatures.size() != 1) {
            throw refused(Refusal.Reason.MALFORMED, "send exactly one signature (one Signature-Input and one Signature member)");
        }
        String label = inputs.keySet().iterator().next();
        StructuredFields.Member in = inputs.get(label);
        StructuredFields.Member sig = signatures.get(label);
        if (sig == null) throw refused(Refusal.Reason.MALFORMED, "Signature has no member labelled '" + label + "' as Signature-Input has");
        if (!(in.value() instanceof StructuredFields.InnerList covered)) {
            throw refused(Refusal.Reason.MALFORMED, "Signature-Input's member is not an inner list of components");
        }
        if (!(sig.value() instanceof StructuredFields.Item item) || !(item.value() instanceof StructuredFields.Bytes sent) || !item.params().isEmpty()) {
            throw refused(Refusal.Reason.MALFORMED, "Signature's member is not a byte sequence :BASE64:");
        }
        List<Object> names = covered.items().stream().map(StructuredFields.Item::value).toList();
        for (String needed : REQUIRED) {
            if (!names.contains(needed)) {
                throw refused(Refusal.Reason.MALFORMED, "the signature must cover \"@method\" \"@path\" \"@query\" \"content-digest\" (\"" + needed + "\" is missing)");
            }
        }
        Map<String, Object> params = covered.params();
        String keyId = stringParam(params, "keyid");
        Long created = params.get("created") instanceof Long l ? l : null;
        if (created == null) throw refused(Refusal.Reason.MALFORMED, "the parameter created=UNIX_SECONDS is missing or not an integer");
        String nonce = stringParam(params, "nonce");
        Object alg = params.get("alg");
        if (alg != null && !"hmac-sha256".equals(alg)) throw refused(Refusal.Reason.UNSUPPORTED, "alg must be \"hmac-sha256\"");
        long now = clock.instant().getEpochSecond();
        if (params.get("expires") != null) {
            if (!(params.get("expires") instanceof Long e)) throw refused(Refusal.Reason.MALFORMED, "expires is not an integer");
            if (e <= now) throw refused(Refusal.Reason.STALE, "the signature's expires has passed");
        }
        if (nonce.length() < MIN_NONCE) throw refused(Refusal.Reason.SHORT_NONCE);
        if (nonce.length() > MAX_NONCE) throw refused(Refusal.Reason.MALFORMED, "nonce is longer than " + MAX_NONCE + " characters");
        if (created < now - SKEW_SECONDS) throw refused(Refusal.Reason.STALE, "check the client's clock");
        if (created > now + SKEW_SECONDS) throw refused(Refusal.Reason.FUTURE, "check the client's clock");
        Found.Usable key = switch (keys.find(keyId)) {
            case Found.Usable u -> u;
            case Found.Refused f -> throw new Refused(f.refusal());
        };
        String base;
        try {
            base = SignatureBase.of(r, scheme, covered.items(), in.raw());
        } catch (SignatureBase.Unusable e) {
            throw refused(Refusal.Reason.MALFORMED, e.getMessage());
        }
        if (key.secret().length == 0) throw refused(Refusal.Reason.BAD_SIGNATURE);
        byte[] expected = hmacSha256(key.secret(), base.getBytes(StandardCharsets.UTF_8));
        java.util.Arrays.fill(key.secret(), (byte) 0);
        if (!MessageDigest.isEqual(expected, ((StructuredFields.Bytes) item.value()).value())) throw refused(Refusal.Reason.BAD_SIGNATURE);
        // the signature covers the Content-Digest header; this ties that header to the body received
        Object sha256 = dictionary(digest, "Content-Digest").get("sha-256") instanceof StructuredFields.Member m
                && m.value() instanceof StructuredFields.Item i ? i.value() : null;
        if (!(sha256 instanceof StructuredFields.Bytes claimed)) {
            throw refused(Refusal.Reason.UNSUPPORTED, "Content-Digest must hold sha-256=:BASE64:");
        }
        if (!MessageDigest.isEqual(claimed.value(), sha256(r.body()))) throw refused(Refusal.Reason.DIGEST_MISMATCH);
        return switch (nonces.record(keyId, nonce, now)) {
            case FRESH -> new Outcome.Verified(keyId, key.profile());
            case REPLAY -> throw refused(Refusal.Reason.REPLAY);
            case FULL -> throw refused(Refusal.Reason.TOO_MANY);
        };
    }

    private static String require(SignedRequest r, String name, String spelled) throws Refused {
        String v = r.field(name);
        if (v == null) throw refused(Refusal.Reason.MISSING_HEADER, spelled);
        return v;
    }

    private static Map<String, StructuredFields.Member> dictionary(String field, String name) throws Refused {
        try {
            return StructuredFields.dictionary(field);
        } catch (StructuredFields.Malformed e) {
            throw refused(Refusal.Reason.MALFORMED, name + " " + e.getMessage());
        }
    }

    private static String stringParam(Map<String, Object> params, String name) throws Refused {
        if (params.get(name) instanceof String s) return s;
        throw refused(Refusal.Reason.MALFORMED, "the parameter " + name + "=\"...\" is missing or not a string");
    }

    static byte[] hmacSha256(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static Refused refused(Refusal.Reason reason) {
        return new Refused(new Refusal(reason));
    }

    private static Refused refused(Refusal.Reason reason, String detail) {
        return new Refused(new Refusal(reason, detail));
    }

    private static final class Refused extends Exception {
        final Refusal refusal;

        Refused(Refusal refusal) {
            super(refusal.message(), null, false, false);
            this.refusal = refusal;
        }
    }

    /** For a caller that only wants to know whether a key id looks like one (before any lookup). */
    static Optional<String> idOf(String keyId) {
        if (keyId == null || !keyId.startsWith("ark_") || keyId.length() > 64) return Optional.empty();
        String id = keyId.substring(4);
        return id.matches("[0-9a-f]{1,40}") ? Optional.of(id) : Optional.empty();
    }
}
