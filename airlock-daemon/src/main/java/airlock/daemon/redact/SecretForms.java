package airlock.daemon.redact;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The byte sequences a secret's value can show up as in a tool's output: the raw bytes, hex,
 * base64 (standard and URL-safe, padded or not, at each of the three alignments a value can have
 * inside a longer base64 text), percent-encoding (the defaults of the common URL encoders), JSON
 * string escaping (the common encoders' defaults, and every character escaped), and each line of
 * a multi-line value. A tool that logs {@code Authorization: Basic ...}, dumps a request as JSON or
 * prints a URL with the token in its query string gives the value away in one of these.
 */
public final class SecretForms {
    /** No form shorter than this is redacted: it would match ordinary output. */
    public static final int MIN_FORM_BYTES = 8;
    /**
     * Values above this size (a whole kubeconfig, a key file) get their raw bytes and their lines
     * only: their encodings would cost megabytes of matcher per run, and such files are printed
     * as they are (or line by line) far more than encoded whole.
     */
    public static final int MAX_ENCODED_VALUE = 8 * 1024;

    private SecretForms() {}

    public static List<byte[]> of(byte[] value) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        add(out, value);
        if (contains(value, (byte) '\n')) {
            add(out, crlf(value));
            for (byte[] line : lines(value)) add(out, line);
        }
        if (value.length <= MAX_ENCODED_VALUE) {
            add(out, ascii(HexFormat.of().formatHex(value)));
            add(out, ascii(HexFormat.of().withUpperCase().formatHex(value)));
            base64(out, value);
            percent(out, value);
            json(out, value);
        }
        return new ArrayList<>(out.values());
    }

    private static void add(Map<String, byte[]> out, byte[] form) {
        if (form.length < MIN_FORM_BYTES) return;
        out.putIfAbsent(new String(form, StandardCharsets.ISO_8859_1), form);
    }

    private static void base64(Map<String, byte[]> out, byte[] v) {
        for (Base64.Encoder enc : List.of(Base64.getEncoder().withoutPadding(), Base64.getUrlEncoder().withoutPadding())) {
            for (int a = 0; a < 3; a++) {
                // the value preceded by `a` unknown bytes: only the characters made of its bits alone are fixed
                byte[] shifted = new byte[a + v.length];
                System.arraycopy(v, 0, shifted, a, v.length);
                byte[] e = enc.encode(shifted);
                int start = (8 * a + 5) / 6;
                int fixedEnd = (8 * (a + v.length)) / 6;
                if (fixedEnd <= start) continue;
                add(out, Arrays.copyOfRange(e, start, fixedEnd));
                // the value at the end of the encoded text: the last character's low bits are zero padding
                byte[] tail = Arrays.copyOfRange(e, start, e.length);
                add(out, tail);
                int pad = (3 - (a + v.length) % 3) % 3;
                if (pad > 0) {
                    byte[] padded = Arrays.copyOf(tail, tail.length + pad);
                    Arrays.fill(padded, tail.length, padded.length, (byte) '=');
                    add(out, padded);
                }
            }
        }
    }

    /**
     * Percent-encodings: RFC 3986 with every reserved byte encoded (upper and lower hex), every
     * byte encoded, and each widely used encoder's OWN DEFAULT, because that is what a tool prints
     * when it builds a URL or a form body with the value in it, and each keeps a different set of
     * characters unencoded (a value with {@code @ / ~ + space} comes out differently from each):
     * <ul>
     * <li>Python {@code urllib.parse.quote(v)}: unreserved and {@code /} kept (its default safe='/');
     * <li>Python {@code quote_plus(v)} ({@code urlencode}), Go {@code url.QueryEscape}: unreserved
     *     kept, space as {@code +};
     * <li>Java {@code URLEncoder.encode}, JavaScript {@code URLSearchParams}: letters, digits and
     *     {@code . - * _} kept, space as {@code +}, {@code ~} encoded;
     * <li>JavaScript {@code encodeURIComponent}: unreserved and {@code ! * ' ( )} kept;
     * <li>JavaScript {@code encodeURI}: that and {@code ; , / ? : @ & = + $ #} kept;
     * <li>Go {@code url.PathEscape}: unreserved and {@code $ & + : = @} kept.
     * </ul>
     * All of them write upper-case hex; each is checked against the real encoder (Python, node and
     * the JDK run in RealEncodersTest; Go's from its net/url rules, as no Go toolchain is here).
     */
    private static void percent(Map<String, byte[]> out, byte[] v) {
        add(out, ascii(percent(v, RFC3986_UNRESERVED, false, true)));
        add(out, ascii(percent(v, RFC3986_UNRESERVED, false, false)));
        add(out, ascii(percent(v, RFC3986_UNRESERVED, true, true)));
        add(out, ascii(percent(v, "", false, true)));
        add(out, ascii(percent(v, "", false, false)));
        for (String kept : List.of(PYTHON_QUOTE, JAVA_URLENCODER, JS_ENCODE_URI_COMPONENT, JS_ENCODE_URI, GO_PATH_ESCAPE)) {
            add(out, ascii(percent(v, kept, kept.equals(JAVA_URLENCODER), true)));
        }
    }

    /** Besides letters and digits: what each encoder leaves as it is (see {@link #percent(Map, byte[])}). */
    static final String RFC3986_UNRESERVED = "-._~";
    static final String PYTHON_QUOTE = "-._~/";
    static final String JAVA_URLENCODER = ".-*_";
    static final String JS_ENCODE_URI_COMPONENT = "-_.!~*'()";
    static final String JS_ENCODE_URI = "-_.!~*'();,/?:@&=+$#";
    static final String GO_PATH_ESCAPE = "-._~$&+:=@";

    /** Every byte but ASCII letters, digits and {@code kept} as %XX; space as {@code +} when {@code plus}. */
    static String percent(byte[] v, String kept, boolean plus, boolean upperHex) {
        StringBuilder s = new StringBuilder(v.length * 3);
        for (byte x : v) {
            int b = x & 0xff;
            if (b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b < 0x80 && kept.indexOf(b) >= 0) {
                s.append((char) b);
            } else if (b == ' ' && plus) {
                s.append('+');
            } else {
                s.append('%').append(String.format(upperHex ? "%02X" : "%02x", b));
            }
        }
        return s.toString();
    }

    /**
     * JSON string escapings as common encoders write them: Jackson and JavaScript (only what must
     * be escaped), Python's json (non-ASCII as lower-case {@code \\u}, its default), {@code \\/}
     * for slashes, Go's encoding/json ({@code < > &} and U+2028/2029 as lower-case {@code \\u},
     * its default), and every character as {@code \\uXXXX} in lower or upper hex (encoders that
     * escape everything). Hex case mixed within one string is not covered: no encoder writes it,
     * and the combinations grow as 2^n.
     */
    private static void json(Map<String, byte[]> out, byte[] v) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(v)).toString();
        } catch (CharacterCodingException e) {
            return; // not text: an encoder would not have produced a JSON string of it
        }
        for (boolean upperHex : new boolean[]{false, true}) {
            for (boolean slash : new boolean[]{false, true}) {
                for (boolean asciiOnly : new boolean[]{false, true}) {
                    add(out, jsonEscape(text, upperHex, slash, asciiOnly).getBytes(StandardCharsets.UTF_8));
                }
            }
            add(out, ascii(jsonEveryChar(text, upperHex)));
        }
        add(out, goJson(text).getBytes(StandardCharsets.UTF_8));
    }

    /** Every UTF-16 unit as {@code \\uXXXX}. */
    static String jsonEveryChar(String s, boolean upperHex) {
        StringBuilder b = new StringBuilder(s.length() * 6);
        for (int i = 0; i < s.length(); i++) b.append(String.format(upperHex ? "\\u%04X" : "\\u%04x", (int) s.charAt(i)));
        return b.toString();
    }

    /** Go's json.Marshal: HTML-safe by default, so {@code < > &} and U+2028/2029 become lower-case {@code \\u}. */
    static String goJson(String s) {
        String e = jsonEscape(s, false, false, false);
        StringBuilder b = new StringBuilder(e.length() + 16);
        for (int i = 0; i < e.length(); i++) {
            char c = e.charAt(i);
            if (c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.toString();
    }

    static String jsonEscape(String s, boolean upperHex, boolean slash, boolean asciiOnly) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '/' -> b.append(slash ? "\\/" : "/");
                default -> {
                    if (c < 0x20 || c == 0x7f && asciiOnly || c > 0x7e && asciiOnly) {
                        b.append(String.format(upperHex ? "\\u%04X" : "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    private static boolean contains(byte[] v, byte x) {
        for (byte b : v) if (b == x) return true;
        return false;
    }

    private static byte[] crlf(byte[] v) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(v.length + 16);
        for (int i = 0; i < v.length; i++) {
            if (v[i] == '\n' && (i == 0 || v[i - 1] != '\r')) o.write('\r');
            o.write(v[i]);
        }
        return o.toByteArray();
    }

    /**
     * The opaque lines of a multi-line value, without their line endings: a line that is one word
     * (a PEM or base64 body line, a token), and of a {@code key: value} line only a long one-word
     * value (a kubeconfig's {@code client-key-data}). Structure lines ({@code apiVersion: v1},
     * {@code current-context: prod}, a server URL) are not secret and would mangle ordinary
     * output (kubectl's YAML) wherever they appear.
     */
    static List<byte[]> lines(byte[] v) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= v.length; i++) {
            if (i == v.length || v[i] == '\n') {
                int end = i > start && v[i - 1] == '\r' ? i - 1 : i;
                String line = new String(v, start, end - start, StandardCharsets.ISO_8859_1).strip();
                int sep = line.indexOf(": ") >= 0 ? line.indexOf(": ") + 1 : line.indexOf('=') >= 0 ? line.indexOf('=') : -1;
                if (line.length() >= MIN_FORM_BYTES && line.chars().noneMatch(Character::isWhitespace) && line.indexOf(':') < 0) {
                    out.add(line.getBytes(StandardCharsets.ISO_8859_1));
                } else if (sep > 0) {
                    String value = line.substring(sep + 1).strip();
                    if (value.length() >= MIN_VALUE_IN_LINE && value.chars().noneMatch(Character::isWhitespace)) {
                        out.add(value.getBytes(StandardCharsets.ISO_8859_1));
                    }
                }
                start = i + 1;
            }
        }
        return out;
    }

    /** A value inside a {@code key: value} line long enough to be a credential, not a setting. */
    static final int MIN_VALUE_IN_LINE = 32;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
