package airlock.shim;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * argv, the environment and the cwd as the kernel handed them to this process, read from
 * /proc/self as bytes and decoded as UTF-8, strictly. A JVM decodes its argv, environment and
 * user.dir with the locale's charset (sun.jnu.encoding, which cannot be set from the command line):
 * without LANG, as in most minimal agent images, that is ASCII and every other byte became U+FFFD,
 * so {@code git commit -m "café"} committed mojibake. The kernel's bytes do not depend on a locale.
 *
 * <p>The protocol carries text (UTF-8 strings) and the daemon starts tools through Java, which
 * cannot pass a byte that is not part of UTF-8 text; so bytes that are not UTF-8 are refused here,
 * naming what and where, rather than sent altered.
 */
final class KernelArgs {
    private KernelArgs() {}

    /** What the caller passed is not UTF-8 text; the message names it and says what happened. */
    static final class NotText extends Exception {
        NotText(String message) {
            super(message);
        }
    }

    /**
     * The program's arguments: the last {@code jvmArgs.length} entries of /proc/self/cmdline
     * (whatever JVM options come before the main class, the arguments are its tail; a native
     * image has no options at all). The JVM's decoding when /proc is not there.
     */
    static List<String> args(String[] jvmArgs) throws NotText {
        Optional<List<byte[]>> cmdline = cmdline();
        if (cmdline.isEmpty() || cmdline.get().size() < jvmArgs.length + 1) return Arrays.asList(jvmArgs);
        List<byte[]> all = cmdline.get();
        List<String> out = new ArrayList<>(jvmArgs.length);
        for (int i = 0; i < jvmArgs.length; i++) {
            out.add(text(all.get(all.size() - jvmArgs.length + i), "argument " + (i + 1)));
        }
        return out;
    }

    /**
     * The launcher's {@code -Dairlock.argv0=$0} as the kernel has it (before the main class), or
     * empty when there is none (a native image reads argv[0] itself).
     */
    static Optional<String> argv0Property(int programArgs) throws NotText {
        Optional<List<byte[]>> cmdline = cmdline();
        if (cmdline.isEmpty()) return Optional.empty();
        byte[] prefix = "-Dairlock.argv0=".getBytes(StandardCharsets.US_ASCII);
        List<byte[]> all = cmdline.get();
        for (int i = 1; i < all.size() - programArgs; i++) {
            byte[] e = all.get(i);
            if (e.length >= prefix.length && Arrays.equals(e, 0, prefix.length, prefix, 0, prefix.length)) {
                return Optional.of(text(Arrays.copyOfRange(e, prefix.length, e.length), "the command's name (argv[0])"));
            }
        }
        return Optional.empty();
    }

    /** The environment from /proc/self/environ (the JVM's decoding when /proc is not there). */
    static Map<String, String> environment() throws NotText {
        byte[] b;
        try {
            b = Files.readAllBytes(Path.of("/proc/self/environ"));
        } catch (IOException | RuntimeException e) {
            return new LinkedHashMap<>(System.getenv());
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (byte[] entry : split(b)) {
            int eq = 0;
            while (eq < entry.length && entry[eq] != '=') eq++;
            if (eq == 0 || eq == entry.length) continue; // no name, or no '=': not a variable (libc skips it too)
            String name = text(Arrays.copyOfRange(entry, 0, eq), "the name of an environment variable");
            String value = text(Arrays.copyOfRange(entry, eq + 1, entry.length), "environment variable " + name);
            env.putIfAbsent(name, value); // getenv(3) finds the first
        }
        return env;
    }

    /**
     * The working directory: /proc/self/cwd's target as bytes. A JDK path keeps the bytes the
     * kernel gave it and its URI percent-encodes them, so nothing passes through the locale.
     */
    static String cwd() throws NotText {
        Path link;
        try {
            link = Files.readSymbolicLink(Path.of("/proc/self/cwd"));
        } catch (IOException | RuntimeException e) {
            return Path.of("").toAbsolutePath().toString();
        }
        String raw = link.toUri().getRawPath();
        byte[] bytes = percentDecoded(raw);
        int n = bytes.length;
        if (n > 1 && bytes[n - 1] == '/') n--; // toUri() marks a directory with a trailing '/'
        return text(Arrays.copyOf(bytes, n), "the working directory");
    }

    private static Optional<List<byte[]>> cmdline() {
        try {
            return Optional.of(split(Files.readAllBytes(Path.of("/proc/self/cmdline"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** NUL-terminated entries; an unterminated last one counts too. */
    static List<byte[]> split(byte[] b) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                out.add(Arrays.copyOfRange(b, start, i));
                start = i + 1;
            }
        }
        if (start < b.length) out.add(Arrays.copyOfRange(b, start, b.length));
        return out;
    }

    private static byte[] percentDecoded(String s) {
        byte[] out = new byte[s.length()];
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                out[n++] = (byte) Integer.parseInt(s.substring(i + 1, i + 3), 16);
                i += 2;
            } else {
                out[n++] = (byte) c; // the rest of a raw URI path is ASCII
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** Strict UTF-8: a byte that is not part of UTF-8 text is refused, never replaced. */
    static String text(byte[] b, String what) throws NotText {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            int at = firstInvalid(b);
            throw new NotText(what + " is not UTF-8 text (byte 0x" + String.format("%02x", b[at] & 0xff) + " at offset " + at
                    + "); airlock carries text byte-exact and sends nothing rather than alter it; nothing ran");
        }
    }

    private static int firstInvalid(byte[] b) {
        var d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(b.length + 1);
        var r = d.decode(in, out, true);
        return r.isError() ? Math.min(in.position(), b.length - 1) : 0;
    }
}
