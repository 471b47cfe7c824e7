package airlock.daemon.console;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An application/x-www-form-urlencoded body (or query string) kept as bytes, so a secret's value
 * can be decoded straight into a char[] that is wiped after use, never into a String.
 */
final class Form {
    private record Field(String name, byte[] raw) {}

    private final List<Field> fields = new ArrayList<>();

    static Form parse(byte[] body) {
        Form f = new Form();
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '&') {
                if (i > start) {
                    int eq = start;
                    while (eq < i && body[eq] != '=') eq++;
                    String name = text(decode(Arrays.copyOfRange(body, start, eq)));
                    f.fields.add(new Field(name, eq < i ? Arrays.copyOfRange(body, eq + 1, i) : new byte[0]));
                }
                start = i + 1;
            }
        }
        Arrays.fill(body, (byte) 0);
        return f;
    }

    static Form query(String rawQuery) {
        return rawQuery == null ? new Form() : parse(rawQuery.getBytes(StandardCharsets.US_ASCII));
    }

    Optional<String> get(String name) {
        for (Field fl : fields) if (fl.name().equals(name)) return Optional.of(text(decode(fl.raw())));
        return Optional.empty();
    }

    String get(String name, String otherwise) {
        return get(name).orElse(otherwise);
    }

    /** The field decoded into chars, for a secret; the caller wipes the array. */
    char[] secret(String name) {
        for (Field fl : fields) {
            if (!fl.name().equals(name)) continue;
            byte[] bytes = decode(fl.raw());
            try {
                CharBuffer cb = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
                char[] out = Arrays.copyOf(cb.array(), cb.limit());
                Arrays.fill(cb.array(), '\0');
                return out;
            } catch (CharacterCodingException e) {
                return null;
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        }
        return null;
    }

    /** Wipes every raw value (a secret's included). */
    void wipe() {
        for (Field fl : fields) Arrays.fill(fl.raw(), (byte) 0);
    }

    private static byte[] decode(byte[] raw) {
        byte[] out = new byte[raw.length];
        int n = 0;
        for (int i = 0; i < raw.length; i++) {
            byte c = raw[i];
            if (c == '+') {
                out[n++] = ' ';
            } else if (c == '%' && i + 2 < raw.length && hex(raw[i + 1]) >= 0 && hex(raw[i + 2]) >= 0) {
                out[n++] = (byte) (hex(raw[i + 1]) * 16 + hex(raw[i + 2]));
                i += 2;
            } else {
                out[n++] = c;
            }
        }
        byte[] exact = Arrays.copyOf(out, n);
        Arrays.fill(out, (byte) 0);
        return exact;
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
