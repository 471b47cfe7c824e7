package airlock.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * Normalizes an argument vector into an {@link Invocation} the way getopt_long, git or Go's flag
 * package read it: every spelling of a flag ({@code --config=x}, {@code --config x}, {@code -cx},
 * {@code -c x}, {@code -auto-approve=true}) becomes one canonical flag, bundles of short flags are
 * split, unique prefixes of long options are resolved, and {@code --} ends options.
 *
 * <p>An agent picks the spelling, so any spelling the tool accepts must reach the same rule. When
 * the module does not declare whether a flag takes a value, the next argument is read both ways
 * ("doubtful"): as that flag's value and as an argument of its own.
 */
final class ArgvReader {
    private final FlagSyntax syntax;
    private final List<String> args;
    private final List<Invocation.FlagUse> flags = new ArrayList<>();
    private final List<Invocation.Word> words = new ArrayList<>();
    /** The argument being read may instead be the value of the flag before it. */
    private boolean doubtNext;

    private ArgvReader(FlagSyntax syntax, List<String> args) {
        this.syntax = syntax;
        this.args = args;
    }

    static Invocation read(FlagSyntax syntax, List<String> args) {
        ArgvReader r = new ArgvReader(syntax, args);
        r.readAll();
        return new Invocation(List.copyOf(r.flags), List.copyOf(r.words), List.copyOf(args));
    }

    private void readAll() {
        boolean endOfOptions = false;
        boolean endDoubtful = false;
        int n = args.size();
        for (int i = 0; i < n; i++) {
            String a = args.get(i);
            boolean doubt = doubtNext;
            doubtNext = false;
            if (endOfOptions) {
                words.add(new Invocation.Word(a, !endDoubtful, i));
                if (!endDoubtful || !looksLikeFlag(a)) continue;
                doubt = true; // "--" may have been a value: the tool may still read this as a flag
            } else if (a.equals("--")) {
                // After a flag that may take a value, "--" may be that value and options go on.
                endOfOptions = true;
                endDoubtful = doubt;
                continue;
            }
            if (!looksLikeFlag(a)) {
                if (!endOfOptions) words.add(new Invocation.Word(a, !doubt, i));
                continue;
            }
            if (syntax.singleDashLong() || a.startsWith("--")) i = longFlag(a, i, doubt);
            else i = bundle(a, i, doubt);
        }
    }

    private static boolean looksLikeFlag(String a) {
        return a.length() > 1 && a.charAt(0) == '-' && !a.equals("--");
    }

    /** {@code --name}, {@code --name=value}, or any single-dash-long spelling. Returns the last index consumed. */
    private int longFlag(String a, int i, boolean doubt) {
        int eq = a.indexOf('=');
        String typed = syntax.canonical(eq < 0 ? a : a.substring(0, eq));
        List<String> candidates = syntax.resolveLong(typed);
        boolean resolvedSure = candidates.size() == 1 && (candidates.getFirst().equals(typed) || syntax.longListed());
        boolean sure = resolvedSure && !doubt;
        if (eq >= 0) {
            String v = a.substring(eq + 1);
            if (sure && candidates.size() == 1 && syntax.valueCount(candidates.getFirst()) > 1) {
                List<String> more = more(candidates.getFirst(), i + 1);
                flags.add(new Invocation.FlagUse(candidates.getFirst(), a, v, true, true, false, more));
                return i + more.size();
            }
            for (String c : candidates) flags.add(new Invocation.FlagUse(c, a, v, sure, sure, false));
            return i;
        }
        if (candidates.size() == 1) {
            String c = candidates.getFirst();
            if (syntax.isSwitch(c) && resolvedSure) {
                flags.add(new Invocation.FlagUse(c, a, null, sure, false, false));
                return i;
            }
            if (syntax.takesValue(c) && sure) {
                return detachedValues(c, a, i);
            }
        }
        return maybeValued(candidates, a, i, sure);
    }

    /** A flag certainly taking its value(s) from the next argument(s). Returns the last index consumed. */
    private int detachedValues(String c, String given, int i) {
        String v = i + 1 < args.size() ? args.get(i + 1) : null;
        if (v == null) {
            flags.add(new Invocation.FlagUse(c, given, null, true, false, true));
            return i;
        }
        List<String> more = more(c, i + 2);
        flags.add(new Invocation.FlagUse(c, given, v, true, true, true, more));
        return i + 1 + more.size();
    }

    /** The second and later values of a flag that takes several, from index {@code from} on. */
    private List<String> more(String c, int from) {
        int n = syntax.valueCount(c) - 1;
        if (n <= 0) return List.of();
        return List.copyOf(args.subList(Math.min(from, args.size()), Math.min(from + n, args.size())));
    }

    /**
     * Flags that may or may not take the next argument: record that argument as a possible value
     * of each, and read it again on its own, doubtfully.
     */
    private int maybeValued(List<String> candidates, String given, int i, boolean flagSure) {
        String next = i + 1 < args.size() ? args.get(i + 1) : null;
        for (String c : candidates) {
            boolean mayTake = !syntax.isSwitch(c);
            flags.add(new Invocation.FlagUse(c, given, mayTake ? next : null, flagSure, false, mayTake && next != null));
        }
        if (next != null) doubtNext = true;
        return i;
    }

    /** {@code -vA}, {@code -fNL8080:h:80}, {@code -ikey}: split like getopt. Returns the last index consumed. */
    private int bundle(String a, int i, boolean doubt) {
        boolean bundleDoubt = doubt;
        for (int j = 1; j < a.length(); j++) {
            String c = syntax.canonical("-" + a.charAt(j));
            String rest = a.substring(j + 1);
            boolean sure = !bundleDoubt;
            if (syntax.takesValue(c) || (!syntax.isSwitch(c) && !rest.isEmpty())) {
                if (!rest.isEmpty()) {
                    boolean certain = sure && syntax.takesValue(c);
                    if (certain && syntax.valueCount(c) > 1) {
                        List<String> more = more(c, i + 1);
                        flags.add(new Invocation.FlagUse(c, a, rest, true, true, false, more));
                        return i + more.size();
                    }
                    flags.add(new Invocation.FlagUse(c, a, rest, sure, certain, false));
                    // Go's pflag (docker, kubectl, gh) reads -v=/:/h as -v with the value /:/h;
                    // getopt keeps the '='. Both readings are judged.
                    if (rest.length() > 1 && rest.charAt(0) == '=') {
                        flags.add(new Invocation.FlagUse(c, a, rest.substring(1), sure, false, false));
                    }
                    if (certain) return i;
                    bundleDoubt = true; // an undeclared flag: the rest may be its value, or more flags
                    continue;
                }
                if (sure) return detachedValues(c, a, i);
                return maybeValued(List.of(c), a, i, false);
            }
            if (syntax.isSwitch(c)) {
                flags.add(new Invocation.FlagUse(c, a, null, sure, false, false));
                continue;
            }
            return maybeValued(List.of(c), a, i, sure); // undeclared, last in the bundle
        }
        return i;
    }
}
