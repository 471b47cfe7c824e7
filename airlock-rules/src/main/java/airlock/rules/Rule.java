package airlock.rules;

import java.util.List;

/** One entry of a module's [deny] or [allow] list (or of {@code [flags] positional_paths}). */
public sealed interface Rule {
    /** The entry as written in the module, quoted in refusals. */
    String text();

    /**
     * Plain words ({@code "push"}, {@code "configure export-credentials"}): the subcommand path,
     * i.e. the positional arguments in the order the tool reads them, starts with these words.
     */
    record Subcommand(String text, List<String> words) implements Rule {
        public Subcommand {
            words = List.copyOf(words);
        }
    }

    /**
     * {@code -x} or {@code --flag} in every spelling; with {@code valueGlob} ({@code --flag=GLOB})
     * only when the flag's value matches. {@code flag} is canonical (see {@link FlagSyntax#canonical}).
     */
    record Flag(String text, String flag, Glob valueGlob) implements Rule {}

    /** {@code a & b}: every part matches. */
    record Sequence(String text, List<Rule> parts) implements Rule {
        public Sequence {
            parts = List.copyOf(parts);
        }
    }
}
