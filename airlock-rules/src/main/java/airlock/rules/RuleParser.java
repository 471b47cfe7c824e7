package airlock.rules;

import java.util.ArrayList;
import java.util.List;

/** Turns a rule entry as written ("push", "-c", "--volume=/*:*", "apply & -auto-approve") into a {@link Rule}. */
final class RuleParser {
    private RuleParser() {}

    static Rule parse(String entry) {
        String text = entry.strip();
        if (text.contains("&")) {
            List<Rule> parts = new ArrayList<>();
            for (String p : text.split("&")) parts.add(parse(p));
            return new Rule.Sequence(text, parts);
        }
        if (text.startsWith("-")) {
            int eq = text.indexOf('=');
            if (eq > 0) return new Rule.FlagValue(text, text.substring(0, eq), text.substring(eq + 1));
            return new Rule.FlagValue(text, text, null);
        }
        return new Rule.Arg(text, text);
    }
}
