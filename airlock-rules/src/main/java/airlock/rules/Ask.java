package airlock.rules;

import java.util.List;
import java.util.Optional;

/**
 * {@code [ask] args = [...]} in a module or a profile: rules in the grammar of [deny] whose
 * match makes a request wait for a person instead of running. Judged like [deny] (any plausible
 * reading matches), so an agent cannot slip a {@code push} past the question by spelling it oddly.
 *
 * @param rules          the parsed entries, in file order
 * @param timeoutSeconds how long a request waits for a person before it is refused
 * @param source         where the rules were written (for messages)
 */
public record Ask(List<Rule> rules, int timeoutSeconds, String source) {
    public static final int DEFAULT_TIMEOUT_SECONDS = 120;
    public static final Ask NONE = new Ask(List.of(), DEFAULT_TIMEOUT_SECONDS, "");

    public Ask {
        rules = List.copyOf(rules);
    }

    /** The first rule of {@code module}'s or {@code profile}'s [ask] that the arguments match. */
    public static Optional<Match> match(CommandModule module, Profile profile, List<String> args) {
        Invocation inv = ArgvReader.read(module.syntax(), args);
        for (Ask ask : List.of(module.ask(), profile.ask())) {
            for (Rule r : ask.rules()) {
                String evidence = RuleMatch.any(r, inv);
                if (evidence != null) return Optional.of(new Match(r.text(), evidence, ask.timeoutSeconds(), ask.source()));
            }
        }
        return Optional.empty();
    }

    /** The rule that asked, what in the arguments matched it, and how long a person has. */
    public record Match(String rule, String evidence, int timeoutSeconds, String source) {}

    static Ask load(Toml t, Toml.Table table, FlagSyntax syntax, String source) throws ConfigError {
        if (table == null) return NONE;
        t.onlyKeys(table, java.util.Set.of("args", "timeout_s"));
        List<String> entries = t.strings(table, "args");
        if (entries == null) throw t.error(table.path(), "missing key 'args' (a list of rules that wait for a person's approval)");
        Long timeout = t.integer(table, "timeout_s");
        if (timeout != null && (timeout < 1 || timeout > 86_400)) throw t.error(table.child("timeout_s"), "must be between 1 and 86400 seconds");
        List<Rule> rules = new java.util.ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            try {
                rules.add(RuleParser.parse(entries.get(i), syntax));
            } catch (IllegalArgumentException e) {
                t.report(t.elementError(table.child("args"), i, "rule \"" + entries.get(i) + "\": " + e.getMessage()));
            }
        }
        return new Ask(rules, timeout == null ? DEFAULT_TIMEOUT_SECONDS : timeout.intValue(), source);
    }
}
