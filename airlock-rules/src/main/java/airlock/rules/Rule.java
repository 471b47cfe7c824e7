package airlock.rules;

import java.util.List;

/** One entry of a module's [deny] or [allow] list (or of {@code [flags] positional_paths}). */
public sealed interface Rule {
    /** The entry as written in the module, quoted in refusals. */
    String text();

    /** Why the module has this rule and what works instead; {@link Advice#NONE} when it says nothing. */
    Advice advice();

    /** The same rule carrying {@code advice}. */
    Rule withAdvice(Advice advice);

    /**
     * What a module says about one of its rules ({@code { match = "...", why = "...", hint = "..." }}):
     * shown in the refusal, in {@code airlock test}, and available to whatever writes the agent's
     * instructions, so a refusal of ordinary work says what to do instead.
     *
     * @param why  the danger the rule answers, in one sentence; null when not given
     * @param hint what works instead; null when not given
     */
    record Advice(String why, String hint) {
        public static final Advice NONE = new Advice(null, null);

        public boolean isEmpty() {
            return why == null && hint == null;
        }
    }

    /**
     * Plain words ({@code "push"}, {@code "configure export-credentials"}): the subcommand path,
     * i.e. the positional arguments in the order the tool reads them, starts with these words.
     * No words ({@code "*"} in {@code positional_paths}) matches every command line.
     */
    record Subcommand(String text, List<String> words, Advice advice) implements Rule {
        public Subcommand {
            words = List.copyOf(words);
            advice = advice == null ? Advice.NONE : advice;
        }

        public Subcommand(String text, List<String> words) {
            this(text, words, Advice.NONE);
        }

        @Override
        public Rule withAdvice(Advice a) { return new Subcommand(text, words, a); }
    }

    /**
     * {@code -x} or {@code --flag} in every spelling; with {@code valueGlob} ({@code --flag=GLOB})
     * only when the flag's value matches. {@code flag} is canonical (see {@link FlagSyntax#canonical}).
     */
    record Flag(String text, String flag, Glob valueGlob, Advice advice) implements Rule {
        public Flag {
            advice = advice == null ? Advice.NONE : advice;
        }

        public Flag(String text, String flag, Glob valueGlob) {
            this(text, flag, valueGlob, Advice.NONE);
        }

        @Override
        public Rule withAdvice(Advice a) { return new Flag(text, flag, valueGlob, a); }
    }

    /** {@code a & b}: every part matches. */
    record Sequence(String text, List<Rule> parts, Advice advice) implements Rule {
        public Sequence {
            parts = List.copyOf(parts);
            advice = advice == null ? Advice.NONE : advice;
        }

        public Sequence(String text, List<Rule> parts) {
            this(text, parts, Advice.NONE);
        }

        @Override
        public Rule withAdvice(Advice a) { return new Sequence(text, parts, a); }
    }

    /**
     * {@code { match = "push origin", only_flags = ["-u", "--force-with-lease=origin/*"] }}, in
     * {@code [allow]} only: {@code match} matches, and every flag the request holds (on every
     * reading of it) is one of {@code flags}, each in every spelling, a {@code --flag=GLOB} only
     * with a value matching the glob. Plain rules cannot say "and nothing else": an allowed
     * {@code push} is also {@code push --force}; this is how a list allows exactly what was seen.
     */
    record Only(String text, Rule match, List<Flag> flags, Advice advice) implements Rule {
        public Only {
            flags = List.copyOf(flags);
            advice = advice == null ? Advice.NONE : advice;
        }

        @Override
        public Rule withAdvice(Advice a) { return new Only(text, match, flags, a); }
    }
}
