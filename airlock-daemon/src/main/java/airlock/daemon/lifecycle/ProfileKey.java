package airlock.daemon.lifecycle;

import airlock.rules.Profile;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The optional second factor of a locked profile: {@code ark_ID:SECRET}, shown once by
 * {@code airlock profile lock}. Only a verifier is stored (a salted SHA-256 of the secret: the
 * secret is 32 random bytes, so a slow hash would add nothing), and presented keys are compared
 * in constant time, so neither the file nor the timing of a refusal gives the key away.
 */
public final class ProfileKey {
    private static final String PREFIX = "ark_";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private ProfileKey() {}

    /** A new key and what verifies it; the key is for the person's eyes only, once. */
    public record Issued(String key, Profile.Lock lock) {
        @Override
        public String toString() {
            return "Issued[key=<hidden>, lock=" + lock + "]";
        }
    }

    public static Issued issue() {
        byte[] idBytes = new byte[5];
        byte[] secret = new byte[32];
        byte[] salt = new byte[16];
        RANDOM.nextBytes(idBytes);
        RANDOM.nextBytes(secret);
        RANDOM.nextBytes(salt);
        String id = HEX.formatHex(idBytes);
        String secretText = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String saltHex = HEX.formatHex(salt);
        return new Issued(PREFIX + id + ":" + secretText, new Profile.Lock(id, saltHex, HEX.formatHex(digest(saltHex, secretText))));
    }

    /** Whether {@code presented} is the key {@code lock} verifies; never throws on hostile input. */
    public static boolean verifies(Profile.Lock lock, String presented) {
        Optional<String[]> parts = split(presented);
        String id = parts.map(p -> p[0]).orElse("");
        String secret = parts.map(p -> p[1]).orElse("");
        boolean idOk = MessageDigest.isEqual(id.getBytes(StandardCharsets.UTF_8), lock.id().getBytes(StandardCharsets.UTF_8));
        boolean secretOk = MessageDigest.isEqual(digest(lock.salt(), secret), HEX.parseHex(lock.sha256()));
        return parts.isPresent() & idOk & secretOk;
    }

    private static Optional<String[]> split(String key) {
        if (key == null || !key.startsWith(PREFIX) || key.length() > 256) return Optional.empty();
        int colon = key.indexOf(':');
        if (colon < 0) return Optional.empty();
        return Optional.of(new String[]{key.substring(PREFIX.length(), colon), key.substring(colon + 1)});
    }

    private static byte[] digest(String saltHex, String secret) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(HEX.parseHex(saltHex));
            d.update(secret.getBytes(StandardCharsets.UTF_8));
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
