package airlock.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns a rule entry as written ({@code "push"}, {@code "-c"}, {@code "--volume=/*:*"},
 * {@code "apply & -auto-approve"}, {@code "auth token"}) into a {@link Rule}. Everything that can
 * be wrong with an entry is found here, when the module loads, never per request.
 */
final class RuleParser {
    private static final Pattern AND = Pattern.compile("\\s+&\\s+");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private RuleParser() {}

    /** @throws IllegalArgumentException saying what is wrong with the entry */
    static Rule parse(String entry, FlagSyntax syntax) {
        String text = entry.strip();
        if (text.isEmpty()) throw new IllegalArgumentException("empty rule");
        String[] pieces = AND.split(text, -1);
        if (pieces.length == 1) return part(text, text, syntax);
        List<Rule> parts = new ArrayList<>();
        for (String p : pieces) parts.add(part(text, p.strip(), syntax));
        return new Rule.Sequence(text, parts);
    }

    private static Rule part(String whole, String p, FlagSyntax syntax) {
        if (p.isEmpty() || p.equals("&")) throw new IllegalArgumentException("rule '" + whole + "' has an empty part around '&'");
        if (p.startsWith("-")) return flag(whole, p, syntax);
        List<String> words = List.of(SPACES.split(p));
        for (String w : words) {
            if (w.startsWith("-")) {
                throw new IllegalArgumentException("rule '" + whole + "' mixes subcommand words and the flag " + w
                        + "; join them with ' & ' (e.g. \"" + p.substring(0, p.indexOf(w)).strip() + " & " + w + "\")");
            }
            if (w.contains("&")) throw new IllegalArgumentException("rule '" + whole + "': write '&' with spaces around it");
        }
        return new Rule.Subcommand(p, words);
    }

    private static Rule flag(String whole, String p, FlagSyntax syntax) {
        int eq = p.indexOf('=');
        String spelled = eq < 0 ? p : p.substring(0, eq);
        checkFlagName(whole, spelled, syntax);
        String flag = syntax.canonical(spelled);
        if (eq < 0) return new Rule.Flag(p, flag, null);
        return new Rule.Flag(p, flag, Glob.compile(p.substring(eq + 1), syntax.caseInsensitive().contains(flag)));
    }

    /** A flag as a module names it ({@code -c}, {@code --git-dir}, {@code -auto-approve}); throws when malformed. */
    static void checkFlagName(String context, String spelled, FlagSyntax syntax) {
        String name = spelled.startsWith("--") ? spelled.substring(2) : spelled.startsWith("-") ? spelled.substring(1) : null;
        if (name == null || name.isEmpty() || name.startsWith("-")) {
            throw new IllegalArgumentException("'" + context + "': '" + spelled + "' is not a flag (write -x or --name)");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isWhitespace(c) || c == '&' || c == '=') {
                throw new IllegalArgumentException("'" + context + "': flag '" + spelled + "' holds '" + c + "'");
            }
        }
        if (!syntax.singleDashLong() && !spelled.startsWith("--") && name.length() > 1) {
            throw new IllegalArgumentException("'" + context + "': '" + spelled + "' is several short flags; a getopt-style tool reads it"
                    + " as a bundle. Name one flag (-" + name.charAt(0) + "), or set [flags] single_dash_long = true");
        }
    }
}
