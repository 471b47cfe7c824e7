package airlock.daemon.core;

/**
 * The one escaping for text an agent chose on its way to a person: a terminal ({@code airlock
 * secret list}, {@code approvals}, {@code log}, {@code doctor}, {@code profile show}) or a console
 * page. What a person reads must be what is there: a control character can move the cursor, retitle
 * the window or hide a line (ESC sequences, CR, BS); a bidi control can show {@code exe.txt} as
 * {@code txt.exe} or reorder an argv; a zero-width or other format character makes two different
 * strings look the same. Each of those is written as a visible escape in bash's {@code $'...'}
 * notation ({@code \e}, {@code \n}, {@code \x9b}, {@code \u202e}, {@code \U000e0041}), so
 * {@link ShellWords} quotes an argv with the same rule. Everything else (accents, CJK, emoji
 * without joiners, right-to-left letters) passes as it is.
 */
public final class Visible {
    private Visible() {}

    /** One line: every hidden code point, line breaks and tabs included, escaped. */
    public static String text(String s) {
        return escape(s, false);
    }

    /** A block of lines (a module's TOML, a pre-formatted page): newlines and tabs stay, everything else hidden is escaped. */
    public static String lines(String s) {
        return escape(s, true);
    }

    private static String escape(String s, boolean keepLines) {
        if (s == null) return "";
        if (s.codePoints().noneMatch(c -> hidden(c) && !(keepLines && (c == '\n' || c == '\t')))) return s;
        StringBuilder b = new StringBuilder(s.length() + 16);
        s.codePoints().forEach(c -> {
            if (keepLines && (c == '\n' || c == '\t')) b.append((char) c);
            else if (hidden(c)) escape(b, c);
            else b.appendCodePoint(c);
        });
        return b.toString();
    }

    /** Appends one hidden code point as its escape. */
    public static void escape(StringBuilder b, int c) {
        switch (c) {
            case '\n' -> b.append("\\n");
            case '\t' -> b.append("\\t");
            case '\r' -> b.append("\\r");
            case 0x1b -> b.append("\\e");
            default -> {
                if (c <= 0xff) b.append(String.format("\\x%02x", c));
                else if (c <= 0xffff) b.append(String.format("\\u%04x", c));
                else b.append(String.format("\\U%08x", c));
            }
        }
    }

    /**
     * C0 controls, DEL and C1 controls (C1 U+009B is a CSI to many terminals); every format
     * character (Unicode category Cf: the bidi embeddings, overrides and isolates U+202A..U+202E
     * and U+2066..U+2069, the marks U+200E, U+200F and U+061C, zero-width space and joiners,
     * U+2060..U+2064, the BOM, tag characters, soft hyphen); the line and paragraph separators;
     * a lone surrogate; and the Hangul fillers, letters that draw nothing.
     */
    public static boolean hidden(int c) {
        if (c < 0x20 || (c >= 0x7f && c < 0xa0)) return true;
        return switch (Character.getType(c)) {
            case Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SURROGATE -> true;
            default -> c == 0x115f || c == 0x1160 || c == 0x3164 || c == 0xffa0;
        };
    }
}
