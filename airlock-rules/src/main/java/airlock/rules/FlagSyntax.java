package airlock.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code [flags]}: how the tool reads its command line. Every flag name held here is canonical
 * (see {@link #canonical}), so a rule, a declaration and an argument meet on one spelling.
 *
 * @param value           flags that take a value (short: {@code -ikey} and {@code -i key}; long:
 *                        {@code --git-dir=x} and {@code --git-dir x}); flags named in paths,
 *                        case_insensitive or a {@code --flag=GLOB} rule are added here
 * @param switches        flags that never take a value, so what follows them is read with certainty
 * @param paths           flags whose values are paths that must stay inside the profile's mounts
 * @param singleDashLong  Go-style tools: -auto-approve, --auto-approve and -auto-approve=true are one flag
 * @param caseInsensitive flags whose values the tool reads case-insensitively (docker --cap-add=ALL)
 * @param longOptions     every long option known for the tool (the {@code long} list plus every long
 *                        flag named anywhere in the module), so unique-prefix abbreviations resolve
 * @param longListed      true when the module gave a {@code long} list: an abbreviation that resolves
 *                        uniquely is then read with certainty
 * @param aliases         short spelling to canonical long spelling ({@code -c} to {@code --config})
 * @param abbreviations   whether the tool accepts unique prefixes of long options (getopt_long, git)
 * @param positionalPaths the first of these whose rule matches makes the positional arguments after
 *                        its subcommand words (and after {@code skip} more) paths to confine
 *                        ({@code diff & --no-index}; {@code *} for a tool without subcommands)
 * @param valueCount      flags that take more than one value ({@code jq --rawfile NAME FILE}: 2)
 * @param pathValues      for each flag in {@code paths}, which of its values (1-based) are paths;
 *                        a flag not listed here has its first value confined
 */
public record FlagSyntax(Set<String> value, Set<String> switches, Set<String> paths, boolean singleDashLong,
                         Set<String> caseInsensitive, Set<String> longOptions, boolean longListed,
                         Map<String, String> aliases, boolean abbreviations, List<PositionalPaths> positionalPaths,
                         Map<String, Integer> valueCount, Map<String, Set<Integer>> pathValues) {
    public FlagSyntax {
        value = Set.copyOf(value);
        switches = Set.copyOf(switches);
        paths = Set.copyOf(paths);
        caseInsensitive = Set.copyOf(caseInsensitive);
        longOptions = Set.copyOf(longOptions);
        aliases = Map.copyOf(aliases);
        positionalPaths = List.copyOf(positionalPaths);
        valueCount = Map.copyOf(valueCount);
        pathValues = Map.copyOf(pathValues);
    }

    /**
     * One {@code positional_paths} entry: when {@code when} matches, every positional argument after
     * its subcommand words is a path, except the first {@code skip} of them (jq's filter).
     */
    public record PositionalPaths(Rule when, int skip) {}

    /** How many values {@code canonicalFlag} takes when it takes any (1 unless {@code value_count} says more). */
    int valueCount(String canonicalFlag) {
        Integer n = valueCount.get(canonicalFlag);
        return n == null ? 1 : n;
    }

    /** Which values (1-based) of a path flag are paths. */
    Set<Integer> pathValuesOf(String canonicalFlag) {
        Set<Integer> s = pathValues.get(canonicalFlag);
        return s == null ? Set.of(1) : s;
    }

    public static final FlagSyntax DEFAULT =
            new FlagSyntax(Set.of(), Set.of(), Set.of(), false, Set.of(), Set.of(), false, Map.of(), true, List.of(),
                    Map.of(), Map.of());

    /**
     * The one spelling of a flag: {@code --name} or {@code -c} for getopt-style tools,
     * {@code -name} for single-dash-long tools (one or two leading dashes), then mapped through
     * {@code aliases}. Any {@code =value} must already be cut off.
     */
    public String canonical(String flag) {
        String f = flag;
        if (singleDashLong && f.startsWith("--")) f = f.substring(1);
        String alias = aliases.get(f);
        return alias == null ? f : alias;
    }

    /**
     * What a long option as typed ({@code --upload-pa}, canonical spelling, no value) may mean:
     * itself when known or unknown, the one option it abbreviates, or every option it could
     * abbreviate when ambiguous (the caller reads those conservatively).
     */
    List<String> resolveLong(String name) {
        if (longOptions.contains(name) || !abbreviations) return List.of(name);
        List<String> candidates = null;
        for (String known : longOptions) {
            if (known.startsWith(name)) {
                if (candidates == null) candidates = new ArrayList<>(2);
                candidates.add(known);
            }
        }
        if (candidates == null) return List.of(name);
        candidates.sort(null); // the same reading, and the same refusal message, every time
        return candidates;
    }

    /** True when the flag, as typed (before any {@code =value}), takes a value in this tool. */
    public boolean takesValueAsTyped(String flag) { return value.contains(canonical(flag)); }

    boolean takesValue(String canonicalFlag) { return value.contains(canonicalFlag); }

    boolean isSwitch(String canonicalFlag) { return switches.contains(canonicalFlag); }
}
