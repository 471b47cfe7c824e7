package airlock.daemon.audit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The link between two records: SHA-256 over the previous line's exact bytes (without its newline). */
public final class ChainHash {
    /** The {@code prev} of the very first record of a log. */
    public static final String GENESIS = "0".repeat(64);

    private ChainHash() {}

    public static String of(byte[] line, int off, int len) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(line, off, len);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public static String of(byte[] line) {
        return of(line, 0, line.length);
    }
}
