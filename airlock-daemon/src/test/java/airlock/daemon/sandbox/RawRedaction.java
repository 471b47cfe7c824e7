package airlock.daemon.sandbox;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A stand-in for the vault's redactor: replaces the raw bytes of one secret with a marker. */
public record RawRedaction(byte[] secret, byte[] marker) implements Redaction {
    public static RawRedaction of(String secret) {
        return new RawRedaction(secret.getBytes(StandardCharsets.UTF_8), "[airlock:redacted]".getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Redacted apply(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int count = 0;
        int i = 0;
        while (i < content.length) {
            if (matchesAt(content, i)) {
                out.writeBytes(marker);
                i += secret.length;
                count++;
            } else {
                out.write(content[i++]);
            }
        }
        return new Redacted(count == 0 ? content : out.toByteArray(), count);
    }

    private boolean matchesAt(byte[] c, int at) {
        if (at + secret.length > c.length) return false;
        for (int j = 0; j < secret.length; j++) if (c[at + j] != secret[j]) return false;
        return true;
    }
}
