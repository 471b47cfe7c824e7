package airlock.daemon.core;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Quotes argv the way a POSIX shell would read it back. Arguments come from the agent, so a raw
 * ESC, newline or bidi control must never reach the person's terminal: an argument with one of
 * {@link Visible}'s hidden characters is written in {@code $'...'} with Visible's escapes.
 */
public final class ShellWords {
    private ShellWords() {}

    public static String join(List<String> words) {
        return words.stream().map(ShellWords::quote).collect(Collectors.joining(" "));
    }

    public static String quote(String s) {
        if (s.isEmpty()) return "''";
        if (s.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || "_@%+=:,./-".indexOf(c) >= 0))) return s;
        if (s.codePoints().noneMatch(Visible::hidden)) return "'" + s.replace("'", "'\\''") + "'";
        // the same escapes as every other place agent text reaches a person (Visible), in bash's $'...'
        StringBuilder b = new StringBuilder("$'");
        s.codePoints().forEach(c -> {
            switch (c) {
                case '\'' -> b.append("\\'");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (Visible.hidden(c)) Visible.escape(b, c);
                    else b.appendCodePoint(c);
                }
            }
        });
        return b.append('\'').toString();
    }
}
