package airlock.daemon.core;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Quotes argv the way a POSIX shell would read it back. Arguments come from the agent, so a raw
 * ESC or newline must never reach the person's terminal: those are written as {@code $'\e'}.
 */
public final class ShellWords {
    private ShellWords() {}

    public static String join(List<String> words) {
        return words.stream().map(ShellWords::quote).collect(Collectors.joining(" "));
    }

    public static String quote(String s) {
        if (s.isEmpty()) return "''";
        if (s.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || "_@%+=:,./-".indexOf(c) >= 0))) return s;
        if (s.codePoints().noneMatch(ShellWords::isControl)) return "'" + s.replace("'", "'\\''") + "'";
        StringBuilder b = new StringBuilder("$'");
        s.codePoints().forEach(c -> {
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                case 0x1b -> b.append("\\e");
                case '\'' -> b.append("\\'");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (isControl(c)) b.append(c <= 0xff ? String.format("\\x%02x", c) : String.format("\\u%04x", c));
                    else b.appendCodePoint(c);
                }
            }
        });
        return b.append('\'').toString();
    }

    /** C0, DEL, C1 and the bidi overrides that can make a terminal show text other than what is there. */
    public static boolean isControl(int c) {
        return c < 0x20 || (c >= 0x7f && c < 0xa0) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }
}
