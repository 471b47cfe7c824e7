package airlock.rules;

import java.util.Set;

/**
 * {@code [flags]}: how the tool reads its command line.
 *
 * @param value           flags that take a value ("-i", "--git-dir"); a short one bundled as -ikey reads "key"
 * @param paths           flags whose values are paths that must stay inside the profile's mounts
 * @param singleDashLong  Go-style tools: -auto-approve, --auto-approve and -auto-approve=true are one flag
 * @param caseInsensitive flags whose values the tool reads case-insensitively (docker --cap-add=ALL)
 * @param longOptions     every long option the tool knows, so unique-prefix abbreviations resolve
 * @param globalValue     global flags before the subcommand that take a value (git -C, -c), skipped when
 *                        finding the subcommand path
 */
public record FlagSyntax(Set<String> value, Set<String> paths, boolean singleDashLong,
                         Set<String> caseInsensitive, Set<String> longOptions, Set<String> globalValue) {
    public FlagSyntax {
        value = Set.copyOf(value);
        paths = Set.copyOf(paths);
        caseInsensitive = Set.copyOf(caseInsensitive);
        longOptions = Set.copyOf(longOptions);
        globalValue = Set.copyOf(globalValue);
    }

    public static final FlagSyntax DEFAULT = new FlagSyntax(Set.of(), Set.of(), false, Set.of(), Set.of(), Set.of());
}
