package airlock.rules;

import java.util.List;

/** One entry of a module's [deny] or [allow] list. */
public sealed interface Rule {
    /** The entry as written in the module, quoted in refusals. */
    String text();

    /** A plain word: a positional argument (subcommand) at its place in the subcommand path. */
    record Arg(String text, String word) implements Rule {}

    /** {@code -x}/{@code --flag} in any spelling, or {@code --flag=GLOB} matching its value. */
    record FlagValue(String text, String flag, String valueGlob) implements Rule {}

    /** {@code a & b}: every part matches. */
    record Sequence(String text, List<Rule> parts) implements Rule {
        public Sequence {
            parts = List.copyOf(parts);
        }
    }
}
