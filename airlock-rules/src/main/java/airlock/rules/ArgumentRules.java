package airlock.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * Judges an argument vector against a module's rules. In deny mode a rule matches when any
 * plausible reading of the arguments matches it (an agent must not slip past on a reading the
 * module did not foresee); in allow mode a rule matches only when the reading is certain.
 */
final class ArgumentRules {
    private ArgumentRules() {}

    static Decision judge(CommandModule module, List<String> args) {
        return judge(module, ArgvReader.read(module.syntax(), args));
    }

    static Decision judge(CommandModule module, Invocation inv) {
        boolean deny = module.mode() == CommandModule.Mode.DENY;
        Rule allowedBy = null;
        for (Rule r : module.rules()) {
            String evidence = deny ? RuleMatch.any(r, inv) : RuleMatch.sure(r, inv);
            if (evidence == null) continue;
            if (deny) {
                Rule.Advice a = r.advice();
                String matched = evidence + " matches a [deny] rule of " + module.source();
                return Decision.deny(Layer.MODULE, r.text(),
                        a.why() == null ? matched : a.why() + " (" + matched + ")", a.hint());
            }
            allowedBy = r;
            break;
        }
        if (!deny && allowedBy == null) {
            String why = RuleMatch.ambiguity(module.rules(), inv);
            return Decision.deny(Layer.MODULE, null, "no [allow] rule of " + module.source() + " matches "
                    + quote(inv.args()) + (why == null ? "" : " (" + why + ")"));
        }
        return new Decision(true, null, allowedBy == null ? null : allowedBy.text(), null, confinedPaths(module.syntax(), inv));
    }

    /** Values of path flags, and positional paths, for the daemon to keep inside the mounts. */
    static List<ConfinedPath> confinedPaths(FlagSyntax syntax, Invocation inv) {
        List<ConfinedPath> out = new ArrayList<>();
        if (!syntax.paths().isEmpty()) {
            for (Invocation.FlagUse f : inv.flags()) {
                if (!syntax.paths().contains(f.flag())) continue;
                for (int n : syntax.pathValuesOf(f.flag())) {
                    String v = f.value(n);
                    if (v != null) out.add(new ConfinedPath(f.flag(), v));
                }
            }
        }
        for (FlagSyntax.PositionalPaths pp : syntax.positionalPaths()) {
            if (RuleMatch.any(pp.when(), inv) == null) continue;
            List<String> skip = RuleMatch.subcommandWords(pp.when());
            int k = 0;
            int unnamed = pp.skip();
            boolean sureSoFar = true;
            for (Invocation.Word w : inv.words()) {
                sureSoFar &= w.sure();
                if (k < skip.size() && w.sure() && w.text().equals(skip.get(k))) {
                    k++;
                    continue;
                }
                // Only a word certainly in its place is skipped (jq's filter): when an earlier word
                // may be a flag's value, this one may be a file, and it is confined.
                if (unnamed > 0 && sureSoFar) {
                    unnamed--;
                    continue;
                }
                out.add(ConfinedPath.positional(w.text()));
            }
            break;
        }
        return out.isEmpty() ? List.of() : out;
    }

    private static String quote(List<String> args) {
        String s = String.join(" ", args);
        return s.length() > 200 ? "'" + s.substring(0, 200) + "...'" : "'" + s + "'";
    }
}
