package airlock.cli;

import airlock.daemon.vault.Vault;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Where a value or a passphrase comes from: a prompt without echo on a terminal, otherwise the
 * bytes on stdin (one trailing newline removed), never the command line (argv is visible to every
 * user in /proc and lands in shell history).
 */
final class SecretValueInput {
    private SecretValueInput() {}

    /** The value for {@code name}; null when the user gave nothing. */
    static byte[] read(Host host, String prompt, boolean confirm) throws IOException {
        if (host.terminal()) {
            Console c = System.console();
            if (c == null) throw new IOException("no terminal to prompt on");
            char[] first = c.readPassword("%s", prompt);
            if (first == null) return null;
            try {
                if (confirm) {
                    char[] again = c.readPassword("%s", "again: ");
                    try {
                        if (again == null || !Arrays.equals(first, again)) throw new IOException("the two entries differ; nothing was stored");
                    } finally {
                        if (again != null) Arrays.fill(again, '\0');
                    }
                }
                return utf8(first);
            } finally {
                Arrays.fill(first, '\0');
            }
        }
        return withoutNewline(readLimited(host.stdin(), Vault.MAX_VALUE_BYTES + 2));
    }

    static byte[] readLimited(InputStream in, int max) throws IOException {
        byte[] b = in.readNBytes(max);
        if (b.length == max && in.read() >= 0) throw new IOException("more than " + (max - 2) + " bytes on stdin");
        return b;
    }

    /** {@code printf 'x\n' | airlock secret set NAME} stores "x": one trailing newline is the shell's, not the value's. */
    static byte[] withoutNewline(byte[] b) {
        if (b.length > 0 && b[b.length - 1] == '\n') {
            byte[] out = Arrays.copyOf(b, b.length - 1);
            Arrays.fill(b, (byte) 0);
            return out;
        }
        return b;
    }

    static char[] chars(byte[] utf8) {
        CharBuffer cb = StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(utf8));
        char[] out = Arrays.copyOf(cb.array(), cb.limit());
        Arrays.fill(cb.array(), '\0');
        return out;
    }

    private static byte[] utf8(char[] c) {
        var bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(c));
        byte[] out = Arrays.copyOf(bb.array(), bb.limit());
        Arrays.fill(bb.array(), (byte) 0);
        return out;
    }
}
