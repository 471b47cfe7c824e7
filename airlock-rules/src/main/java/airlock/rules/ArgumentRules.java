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
                return Decision.deny(Layer.MODULE, r.text(),
                        evidence + " matches a [deny] rule of " + module.source());
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
        List<ConfinedPath> out = null;
        if (!syntax.paths().isEmpty()) {
            for (Invocation.FlagUse f : inv.flags()) {
                if (f.value() != null && syntax.paths().contains(f.flag())) {
                    if (out == null) out = new ArrayList<>();
                    out.add(new ConfinedPath(f.flag(), f.value()));
                }
            }
        }
        for (Rule r : syntax.positionalPaths()) {
            if (RuleMatch.any(r, inv) == null) continue;
            List<String> skip = RuleMatch.subcommandWords(r);
            int k = 0;
            for (Invocation.Word w : inv.words()) {
                if (k < skip.size() && w.sure() && w.text().equals(skip.get(k))) {
                    k++;
                    continue;
                }
                if (out == null) out = new ArrayList<>();
                out.add(ConfinedPath.positional(w.text()));
            }
            break;
        }
        return out == null ? List.of() : out;
    }

    private static String quote(List<String> args) {
        String s = String.join(" ", args);
        return s.length() > 200 ? "'" + s.substring(0, 200) + "...'" : "'" + s + "'";
    }
}
