package airlock.rules;

import java.util.List;

/**
 * An argument vector read the way the tool reads it. Where the module does not say enough to be
 * sure (a flag not declared as taking a value or not, an ambiguous abbreviation, a bundle of
 * undeclared short flags), every plausible reading is kept and marked unsure: deny rules match any
 * reading, allow rules only sure ones.
 *
 * @param flags every flag use, in argument order
 * @param words every positional argument, in order (those after {@code --} included); the first
 *              ones form the subcommand path
 * @param args  the argument vector as sent, for a check that must read it exactly as its tool
 *              does in one position (git's own options before the subcommand)
 */
public record Invocation(List<FlagUse> flags, List<Word> words, List<String> args) {
    public Invocation {
        flags = List.copyOf(flags);
        words = List.copyOf(words);
        args = List.copyOf(args);
    }

    /**
     * @param flag      canonical name ({@link FlagSyntax#canonical})
     * @param given     the argument as typed ({@code -vA}, {@code --upload-pa=x})
     * @param value     the value when the flag has or may have one, else null
     * @param flagSure  the tool certainly reads this flag here
     * @param valueSure the tool certainly reads {@code value} as this flag's value
     * @param detached  the value came from the next argument ({@code -c x}), not from {@code given}
     * @param more      the second and later values of a flag that takes several ({@code --rawfile k FILE})
     */
    public record FlagUse(String flag, String given, String value, boolean flagSure, boolean valueSure, boolean detached,
                          List<String> more) {
        public FlagUse {
            more = List.copyOf(more);
        }

        public FlagUse(String flag, String given, String value, boolean flagSure, boolean valueSure, boolean detached) {
            this(flag, given, value, flagSure, valueSure, detached, List.of());
        }

        /** Value number {@code n} (1-based), or null. */
        public String value(int n) {
            if (n == 1) return value;
            return n - 2 < more.size() ? more.get(n - 2) : null;
        }

        /** The argument(s) as typed, for a refusal message. */
        public String spelled() {
            String s = detached && value != null ? given + " " + value : given;
            return more.isEmpty() ? s : s + " " + String.join(" ", more);
        }
    }

    /**
     * @param text   the argument
     * @param sure   false when the tool may instead read it as the value of the flag before it
     * @param index  position in the argument vector
     */
    public record Word(String text, boolean sure, int index) {}
}
