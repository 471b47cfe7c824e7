package airlock.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A shell-style pattern for a flag's value, compiled once when the module loads: {@code *} any
 * run of characters (slashes included), {@code ?} one character, {@code [abc]} {@code [a-z]}
 * {@code [!a]} one character of a class, {@code \x} the character x itself.
 *
 * <p>Matching is hand-written rather than a regex so a hostile value cannot make a pattern with
 * many stars backtrack for long: the star-backtracking walk is O(value x pattern) at worst.
 */
public final class Glob {
    private final String text;
    private final boolean ignoreCase;
    private final Part[] parts;

    private sealed interface Part {}
    private record Literal(char c) implements Part {}
    private record AnyOne() implements Part {}
    private record Star() implements Part {}
    private record CharClass(boolean negated, char[] from, char[] to) implements Part {
        boolean holds(char c) {
            boolean in = false;
            for (int i = 0; i < from.length && !in; i++) in = c >= from[i] && c <= to[i];
            return in != negated;
        }
    }

    private Glob(String text, boolean ignoreCase, Part[] parts) {
        this.text = text;
        this.ignoreCase = ignoreCase;
        this.parts = parts;
    }

    /** @throws IllegalArgumentException naming what is wrong (unclosed class, trailing backslash, ...) */
    public static Glob compile(String pattern, boolean ignoreCase) {
        String p = ignoreCase ? fold(pattern) : pattern;
        List<Part> out = new ArrayList<>();
        int i = 0;
        while (i < p.length()) {
            char c = p.charAt(i);
            switch (c) {
                case '*' -> {
                    if (out.isEmpty() || !(out.getLast() instanceof Star)) out.add(new Star());
                    i++;
                }
                case '?' -> { out.add(new AnyOne()); i++; }
                case '\\' -> {
                    if (i + 1 >= p.length()) throw new IllegalArgumentException("glob '" + pattern + "' ends with a lone backslash");
                    out.add(new Literal(p.charAt(i + 1)));
                    i += 2;
                }
                case '[' -> i = charClass(pattern, p, i, out);
                default -> { out.add(new Literal(c)); i++; }
            }
        }
        return new Glob(pattern, ignoreCase, out.toArray(Part[]::new));
    }

    private static int charClass(String pattern, String p, int open, List<Part> out) {
        int i = open + 1;
        boolean negated = i < p.length() && (p.charAt(i) == '!' || p.charAt(i) == '^');
        if (negated) i++;
        StringBuilder from = new StringBuilder();
        StringBuilder to = new StringBuilder();
        boolean first = true;
        while (true) {
            if (i >= p.length()) throw new IllegalArgumentException("glob '" + pattern + "' has an unclosed '['");
            char c = p.charAt(i);
            if (c == ']' && !first) break;
            if (c == '\\') {
                if (i + 1 >= p.length()) throw new IllegalArgumentException("glob '" + pattern + "' ends with a lone backslash");
                c = p.charAt(++i);
            }
            char hi = c;
            if (i + 2 < p.length() && p.charAt(i + 1) == '-' && p.charAt(i + 2) != ']') {
                hi = p.charAt(i + 2);
                if (hi < c) throw new IllegalArgumentException("glob '" + pattern + "' has a reversed range " + c + "-" + hi);
                i += 2;
            }
            from.append(c);
            to.append(hi);
            first = false;
            i++;
        }
        out.add(new CharClass(negated, from.toString().toCharArray(), to.toString().toCharArray()));
        return i + 1;
    }

    public boolean matches(String value) {
        String v = ignoreCase ? fold(value) : value;
        int vi = 0, pi = 0, starP = -1, starV = -1;
        while (vi < v.length()) {
            if (pi < parts.length && parts[pi] instanceof Star) {
                starP = pi++;
                starV = vi;
            } else if (pi < parts.length && one(parts[pi], v.charAt(vi))) {
                pi++;
                vi++;
            } else if (starP >= 0) {
                pi = starP + 1;
                vi = ++starV;
            } else {
                return false;
            }
        }
        while (pi < parts.length && parts[pi] instanceof Star) pi++;
        return pi == parts.length;
    }

    /**
     * Case folding as upper-then-lower, so characters a tool's own folding maps onto ASCII match
     * too: Go's strings.ToUpper turns "ſys_admin" (long s) into "SYS_ADMIN", and the Kelvin sign
     * lowers to "k". Lower-casing alone would let such a value slip past a deny glob.
     */
    static String fold(String s) {
        return s.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    }

    private static boolean one(Part part, char c) {
        return switch (part) {
            case Literal l -> l.c() == c;
            case AnyOne a -> true;
            case CharClass k -> k.holds(c);
            case Star s -> false;
        };
    }

    public boolean ignoreCase() { return ignoreCase; }

    @Override
    public String toString() { return text; }
}
