package airlock.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether one rule matches an {@link Invocation}. Each method returns the evidence (the arguments
 * as typed that made the rule match, for the refusal message) or null when it does not match.
 */
final class RuleMatch {
    private RuleMatch() {}

    /** Matches under any plausible reading: used for [deny] rules and path confinement. */
    static String any(Rule r, Invocation inv) {
        return switch (r) {
            case Rule.Subcommand s -> anyPath(s.words(), inv.words());
            case Rule.Flag f -> flag(f, inv, false);
            case Rule.Sequence q -> all(q, inv, false);
            case Rule.Only o -> only(o, any(o.match(), inv), inv);
        };
    }

    /** Matches under the certain reading only: used for [allow] rules. */
    static String sure(Rule r, Invocation inv) {
        return switch (r) {
            case Rule.Subcommand s -> surePath(s.words(), inv.words());
            case Rule.Flag f -> flag(f, inv, true);
            case Rule.Sequence q -> all(q, inv, true);
            case Rule.Only o -> only(o, sure(o.match(), inv), inv);
        };
    }

    /** {@code evidence} of the rule's match, when no flag of the request is outside its list. */
    private static String only(Rule.Only o, String evidence, Invocation inv) {
        return evidence == null || unlisted(o, inv) != null ? null : evidence;
    }

    /**
     * The first flag use, on any reading, that none of {@code o}'s flags permits; null when all
     * are. Every reading counts: a word that may be a flag must be one the list names.
     */
    static Invocation.FlagUse unlisted(Rule.Only o, Invocation inv) {
        for (Invocation.FlagUse u : inv.flags()) {
            boolean listed = false;
            for (Rule.Flag f : o.flags()) {
                if (!u.flag().equals(f.flag())) continue;
                if (f.valueGlob() == null || (u.value() != null && f.valueGlob().matches(u.value()))) {
                    listed = true;
                    break;
                }
            }
            if (!listed) return u;
        }
        return null;
    }

    private static String all(Rule.Sequence q, Invocation inv, boolean sure) {
        StringBuilder ev = new StringBuilder();
        for (Rule p : q.parts()) {
            String e = sure ? sure(p, inv) : any(p, inv);
            if (e == null) return null;
            if (!ev.isEmpty()) ev.append(" & ");
            ev.append(e);
        }
        return ev.toString();
    }

    private static String flag(Rule.Flag f, Invocation inv, boolean sure) {
        for (Invocation.FlagUse u : inv.flags()) {
            if (!u.flag().equals(f.flag())) continue;
            if (f.valueGlob() == null) {
                if (!sure || u.flagSure()) return "'" + u.given() + "'";
            } else if (u.value() != null && (!sure || u.valueSure()) && f.valueGlob().matches(u.value())) {
                return "'" + u.spelled() + "'";
            }
        }
        return null;
    }

    /**
     * Some reading's positional arguments start with {@code rule}: unsure words (possibly a value
     * of the flag before them) may be taken or skipped. Tracks every reachable prefix length.
     */
    private static String anyPath(List<String> rule, List<Invocation.Word> words) {
        if (rule.isEmpty()) return "every command line";
        int k = rule.size();
        long states = 1L; // bit j: the first j rule words are matched (k <= 63 enforced at load)
        for (Invocation.Word w : words) {
            long next = w.sure() ? 0 : states;
            for (int j = 0; j < k; j++) {
                if ((states & (1L << j)) != 0 && rule.get(j).equals(w.text())) next |= 1L << (j + 1);
            }
            if ((next & (1L << k)) != 0) return "'" + String.join(" ", rule) + "'";
            states = next;
            if (states == 0) return null;
        }
        return null;
    }

    /** The certain positional arguments start with {@code rule}, and nothing unsure comes first. */
    private static String surePath(List<String> rule, List<Invocation.Word> words) {
        if (rule.isEmpty()) return "every command line";
        int j = 0;
        for (Invocation.Word w : words) {
            if (j == rule.size()) break;
            if (!w.sure() || !rule.get(j).equals(w.text())) return null;
            j++;
        }
        return j == rule.size() ? "'" + String.join(" ", rule) + "'" : null;
    }

    /** The subcommand words a rule anchors on (for positional paths), empty when it names none. */
    static List<String> subcommandWords(Rule r) {
        return switch (r) {
            case Rule.Subcommand s -> s.words();
            case Rule.Flag f -> List.of();
            case Rule.Sequence q -> {
                List<String> w = new ArrayList<>();
                for (Rule p : q.parts()) if (w.isEmpty()) w.addAll(subcommandWords(p));
                yield w;
            }
            case Rule.Only o -> subcommandWords(o.match());
        };
    }

    /** Why an allow rule might have matched but the reading was not certain, for the refusal message. */
    static String ambiguity(List<Rule> rules, Invocation inv) {
        for (Rule r : rules) {
            if (!(r instanceof Rule.Only o) || sure(o.match(), inv) == null) continue;
            Invocation.FlagUse u = unlisted(o, inv);
            return "rule \"" + r.text() + "\" allows " + (o.flags().isEmpty() ? "no flag"
                    : "only the flags " + String.join(", ", o.flags().stream().map(Rule.Flag::text).toList())) + "; " + u.given() + " is not one of them";
        }
        for (Rule r : rules) {
            if (any(r, inv) == null) continue;
            for (Invocation.FlagUse u : inv.flags()) {
                if (!u.flagSure() || (u.value() != null && !u.valueSure())) {
                    return "rule \"" + r.text() + "\" matches only if " + u.given()
                            + " is read one way; declare it in the module's [flags] value or switches";
                }
            }
            return "rule \"" + r.text() + "\" matches only under an uncertain reading";
        }
        return null;
    }
}
