package airlock.rules;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parses one module.toml into a {@link CommandModule}. Every mistake is found here, at load time,
 * as a {@link ConfigError} naming file, line and key; see docs/writing-a-module.md for the format.
 */
public final class ModuleLoader {
    private static final int MAX_SUBCOMMAND_WORDS = 32;

    private ModuleLoader() {}

    /** A module that may select no tool check (a {@code [checks]} table is an error). */
    public static CommandModule load(String name, String source, String text) throws ConfigError {
        return load(name, source, source, text, Set.of());
    }

    /**
     * @param file   where the text came from, named in a {@link ConfigError} (for the operator)
     * @param source how a refusal names the module ({@code builtin:git}, {@code user:git}): the
     *               agent reads refusals, and a host path means nothing in its container
     */
    public static CommandModule load(String name, String file, String source, String text) throws ConfigError {
        return load(name, file, source, text, Set.of());
    }

    /** As {@link #load(String, String, String)}, with the daemon's tool checks a module may select. */
    public static CommandModule load(String name, String source, String text, Set<String> knownChecks) throws ConfigError {
        return load(name, source, source, text, knownChecks);
    }

    /**
     * @param knownChecks the names of the tool checks the daemon has; a module that selects any
     *                    other fails to load (it would otherwise run with less protection than it asks for)
     */
    public static CommandModule load(String name, String file, String source, String text, Set<String> knownChecks) throws ConfigError {
        return Toml.read(file, text, t -> load(t, name, source, text, knownChecks));
    }

    /**
     * Each table, and each rule, on its own: one bad rule does not hide the next. A fallback stands
     * in for a broken part only so the rest can be read; {@link Toml#read} never returns the module.
     */
    private static CommandModule load(Toml t, String name, String source, String text, Set<String> knownChecks) throws ConfigError {
        var root = t.root();
        t.onlyKeys(root, Set.of("command", "deny", "allow", "env", "args", "exec", "flags", "checks", "ask", "sandbox"));
        String bin = t.part("", () -> {
            var command = t.table(root, "command");
            if (command == null) throw t.error("command", "missing [command] table with bin");
            t.onlyKeys(command, Set.of("bin"));
            String b = t.string(command, "bin");
            if (b == null || b.isBlank()) throw t.error("command.bin", "required: the executable to run");
            return b;
        });

        var deny = t.part(null, () -> t.table(root, "deny"));
        var allow = t.part(null, () -> t.table(root, "allow"));
        if (deny != null && allow != null) {
            String later = t.line("deny") > t.line("allow") ? "deny" : "allow";
            t.report(t.error(later, "a module has exactly one of [deny] or [allow], not both"));
        } else if (deny == null && allow == null && !root.node().has("deny") && !root.node().has("allow")) {
            t.report(t.error("", "a module needs exactly one of [deny] or [allow]"));
        }
        CommandModule.Mode mode = deny != null ? CommandModule.Mode.DENY : CommandModule.Mode.ALLOW;
        var ruleTable = deny != null ? deny : allow;

        FlagSyntax declared = t.part(FlagSyntax.DEFAULT, () -> flags(t, t.table(root, "flags")));
        List<Rule> rules = new ArrayList<>();
        if (ruleTable != null) {
            t.onlyKeys(ruleTable, Set.of("args"));
            List<Object> entries = t.part(List.of(), () -> {
                List<Object> e = t.stringsOrTables(ruleTable, "args");
                if (e == null) throw t.error(ruleTable.path(), "missing key 'args' (a list of rules; [] for none)");
                return e;
            });
            for (int i = 0; i < entries.size(); i++) {
                int index = i;
                Rule r = t.part(null, () -> ruleEntry(t, ruleTable.child("args"), index, entries.get(index), declared, mode));
                if (r != null) rules.add(r);
            }
        }
        FlagSyntax syntax = complete(declared, rules);

        CommandModule.EnvPolicy env = t.part(CommandModule.EnvPolicy.EMPTY, () -> {
            var envTable = t.table(root, "env");
            if (envTable == null) return CommandModule.EnvPolicy.EMPTY;
            t.onlyKeys(envTable, Set.of("strip", "set", "pass"));
            List<String> strip = t.strings(envTable, "strip");
            Map<String, String> set = t.stringMap(envTable, "set");
            List<String> pass = t.strings(envTable, "pass");
            return new CommandModule.EnvPolicy(strip == null ? List.of() : strip, set == null ? Map.of() : set,
                    pass == null ? List.of() : pass);
        });
        List<String> append = t.part(List.of(), () -> {
            var args = t.table(root, "args");
            if (args == null) return List.of();
            t.onlyKeys(args, Set.of("append"));
            List<String> a = t.strings(args, "append");
            return a == null ? List.of() : a;
        });
        Exec exec = t.part(Exec.DEFAULT, () -> {
            var e = t.table(root, "exec");
            if (e == null) return Exec.DEFAULT;
            t.onlyKeys(e, Set.of("concurrent", "stdin"));
            Boolean c = t.part(null, () -> t.bool(e, "concurrent"));
            Boolean s = t.part(null, () -> t.bool(e, "stdin"));
            return new Exec(c == null || c, s == null || s);
        });
        List<String> checks = t.part(List.of(), () -> checks(t, t.table(root, "checks"), knownChecks));
        Ask ask = t.part(Ask.NONE, () -> Ask.load(t, t.table(root, "ask"), syntax, source));
        Optional<SandboxSpec> sandbox = t.part(Optional.empty(), () -> {
            var sandboxTable = t.table(root, "sandbox");
            return sandboxTable == null ? Optional.empty() : Optional.of(SandboxLoader.parse(t, sandboxTable));
        });
        return new CommandModule(name, bin, mode, rules, env, append, exec.concurrent(), exec.stdin(), syntax, checks, source, sha256(text), ask, sandbox);
    }

    /** {@code [exec]}: may runs overlap, does the tool read the caller's stdin. */
    private record Exec(boolean concurrent, boolean stdin) {
        static final Exec DEFAULT = new Exec(true, true);
    }

    /** {@code [checks] use = ["git"]}: each name must be a check the daemon has, once. */
    private static List<String> checks(Toml t, Toml.Table checks, Set<String> known) throws ConfigError {
        if (checks == null) return List.of();
        t.onlyKeys(checks, Set.of("use"));
        List<String> use = t.strings(checks, "use");
        if (use == null) throw t.error(checks.path(), "missing key 'use' (a list of check names; [] for none)");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < use.size(); i++) {
            String c = use.get(i);
            if (!known.contains(c)) {
                t.report(t.elementError(checks.child("use"), i, "unknown check '" + c + "'"
                        + (known.isEmpty() ? "" : " (the checks are: " + String.join(", ", new java.util.TreeSet<>(known)) + ")")));
            } else if (!seen.add(c)) {
                t.report(t.elementError(checks.child("use"), i, "check '" + c + "' is named twice"));
            }
        }
        return use;
    }

    /** {@code [flags]}: declarations as written, names made canonical, each checked. */
    private static FlagSyntax flags(Toml t, Toml.Table flags) throws ConfigError {
        if (flags == null) return FlagSyntax.DEFAULT;
        t.onlyKeys(flags, Set.of("value", "switches", "paths", "single_dash_long", "case_insensitive", "long",
                "aliases", "abbreviations", "positional_paths", "global_value", "value_count"));
        boolean singleDash = Boolean.TRUE.equals(t.bool(flags, "single_dash_long"));
        Boolean abbrev = t.bool(flags, "abbreviations");
        // aliases first: every other list is read through them
        Map<String, String> aliases = new LinkedHashMap<>();
        Map<String, String> rawAliases = t.stringMap(flags, "aliases");
        FlagSyntax bare = new FlagSyntax(Set.of(), Set.of(), Set.of(), singleDash, Set.of(), Set.of(), false, Map.of(), true, List.of(),
                Map.of(), Map.of());
        if (rawAliases != null) {
            for (var e : rawAliases.entrySet()) {
                String where = flags.child("aliases") + "." + e.getKey();
                checkFlag(t, where, e.getKey(), bare);
                checkFlag(t, where, e.getValue(), bare);
                aliases.put(bare.canonical(e.getKey()), bare.canonical(e.getValue()));
            }
        }
        FlagSyntax named = new FlagSyntax(Set.of(), Set.of(), Set.of(), singleDash, Set.of(), Set.of(), false, aliases, true, List.of(),
                Map.of(), Map.of());
        Set<String> value = flagSet(t, flags, "value", named);
        value.addAll(flagSet(t, flags, "global_value", named));
        Set<String> switches = flagSet(t, flags, "switches", named);
        Map<String, Integer> valueCount = valueCounts(t, flags, named);
        Map<String, Set<Integer>> pathValues = new HashMap<>();
        Set<String> paths = pathFlags(t, flags, named, valueCount, pathValues);
        value.addAll(valueCount.keySet());
        Set<String> caseInsensitive = flagSet(t, flags, "case_insensitive", named);
        Set<String> longList = flagSet(t, flags, "long", named);
        value.addAll(paths);
        value.addAll(caseInsensitive);
        for (String s : switches) {
            if (value.contains(s)) throw t.error(flags.child("switches"), s + " cannot be a switch: it is declared as taking a value (value, paths or case_insensitive)");
        }
        FlagSyntax syntax = new FlagSyntax(value, switches, paths, singleDash, caseInsensitive, longList, !longList.isEmpty(),
                aliases, abbrev == null ? !singleDash : abbrev, List.of(), valueCount, pathValues);
        List<FlagSyntax.PositionalPaths> positionalPaths = positionalPaths(t, flags, syntax);
        return new FlagSyntax(value, switches, paths, singleDash, caseInsensitive, longList, !longList.isEmpty(),
                aliases, syntax.abbreviations(), positionalPaths, valueCount, pathValues);
    }

    private static final int MAX_VALUES = 8;

    /** {@code value_count = { "--rawfile" = 2 }}: flags that take several values. */
    private static Map<String, Integer> valueCounts(Toml t, Toml.Table flags, FlagSyntax named) throws ConfigError {
        Map<String, Long> raw = t.integerMap(flags, "value_count");
        Map<String, Integer> out = new HashMap<>();
        if (raw == null) return out;
        for (var e : raw.entrySet()) {
            String where = flags.child("value_count") + "." + e.getKey();
            checkFlag(t, where, e.getKey(), named);
            if (e.getValue() < 1 || e.getValue() > MAX_VALUES) {
                throw t.error(where, "must be between 1 and " + MAX_VALUES + " (how many arguments the flag takes)");
            }
            out.put(named.canonical(e.getKey()), e.getValue().intValue());
        }
        return out;
    }

    /**
     * {@code paths}: a flag (its first value is a path) or {@code { flag = "--rawfile", value = 2 }}
     * (its second value is; the flag's {@code value_count} must reach it).
     */
    private static Set<String> pathFlags(Toml t, Toml.Table flags, FlagSyntax named, Map<String, Integer> valueCount,
                                         Map<String, Set<Integer>> pathValues) throws ConfigError {
        List<Object> l = t.stringsOrTables(flags, "paths");
        Set<String> out = new HashSet<>();
        if (l == null) return out;
        String key = flags.child("paths");
        for (int i = 0; i < l.size(); i++) {
            String flag;
            int n = 1;
            if (l.get(i) instanceof Toml.Table e) {
                t.onlyKeys(e, Set.of("flag", "value"));
                flag = t.string(e, "flag");
                if (flag == null) throw t.error(e.path(), "missing key 'flag' (the flag whose value is a path)");
                Long v = t.integer(e, "value");
                if (v != null) {
                    Integer count = valueCount.get(named.canonical(flag));
                    int max = count == null ? 1 : count;
                    if (v < 1 || v > max) {
                        throw t.error(e.child("value"), "value " + v + " of " + flag + ": the flag takes " + max
                                + (max == 1 ? " value" : " values") + (max == 1 ? " (declare more in [flags] value_count)" : ""));
                    }
                    n = v.intValue();
                }
            } else {
                flag = (String) l.get(i);
            }
            try {
                RuleParser.checkFlagName(flag, flag, named);
            } catch (IllegalArgumentException ex) {
                throw t.elementError(key, i, ex.getMessage());
            }
            String c = named.canonical(flag);
            out.add(c);
            pathValues.computeIfAbsent(c, x -> new TreeSet<>()).add(n);
        }
        return out;
    }

    /**
     * {@code positional_paths}: a rule ({@code "diff & --no-index"}), {@code "*"} (every command
     * line, for a tool without subcommands), or {@code { match = "*", skip = 1 }} (the first
     * positional argument is not a path: jq's filter).
     */
    private static List<FlagSyntax.PositionalPaths> positionalPaths(Toml t, Toml.Table flags, FlagSyntax syntax) throws ConfigError {
        List<Object> l = t.stringsOrTables(flags, "positional_paths");
        if (l == null) return List.of();
        String key = flags.child("positional_paths");
        List<FlagSyntax.PositionalPaths> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            String match;
            int skip = 0;
            if (l.get(i) instanceof Toml.Table e) {
                t.onlyKeys(e, Set.of("match", "skip"));
                match = t.string(e, "match");
                if (match == null) throw t.error(e.path(), "missing key 'match' (a rule, or \"*\" for every command line)");
                Long s = t.integer(e, "skip");
                if (s != null) {
                    if (s < 0 || s > MAX_SUBCOMMAND_WORDS) throw t.error(e.child("skip"), "must be between 0 and " + MAX_SUBCOMMAND_WORDS);
                    skip = s.intValue();
                }
            } else {
                match = (String) l.get(i);
            }
            Rule r = match.strip().equals("*") ? new Rule.Subcommand("*", List.of()) : parseRule(t, key, i, match, syntax);
            out.add(new FlagSyntax.PositionalPaths(r, skip));
        }
        return out;
    }

    /**
     * One entry of {@code [deny] args} / {@code [allow] args}: a rule, or {@code { match, why, hint }},
     * and in {@code [allow]} also {@code only_flags} (see {@link Rule.Only}).
     */
    private static Rule ruleEntry(Toml t, String path, int i, Object entry, FlagSyntax syntax, CommandModule.Mode mode) throws ConfigError {
        if (entry instanceof String s) return parseRule(t, path, i, s, syntax);
        Toml.Table e = (Toml.Table) entry;
        t.onlyKeys(e, Set.of("match", "why", "hint", "only_flags"));
        String match = t.string(e, "match");
        if (match == null) throw t.error(e.path(), "missing key 'match' (the rule, as a plain entry would say it)");
        String why = blankToNull(t.string(e, "why"));
        String hint = blankToNull(t.string(e, "hint"));
        Rule rule = parseRule(t, path, i, match, syntax);
        List<String> only = t.strings(e, "only_flags");
        if (only != null) {
            // in [deny] it would read "refuse unless another flag is present": a rule an extra flag slips past
            if (mode != CommandModule.Mode.ALLOW) throw t.error(e.child("only_flags"), "only_flags is for [allow] rules");
            List<Rule.Flag> flags = new ArrayList<>();
            for (int k = 0; k < only.size(); k++) {
                String f = only.get(k);
                Rule parsed;
                try {
                    parsed = f.strip().startsWith("-") ? RuleParser.parse(f, syntax) : null;
                } catch (IllegalArgumentException ex) {
                    throw t.elementError(e.child("only_flags"), k, "'" + f + "': " + ex.getMessage());
                }
                if (!(parsed instanceof Rule.Flag flag)) {
                    throw t.elementError(e.child("only_flags"), k, "'" + f + "' is not a flag (write -x, --name or --name=GLOB)");
                }
                flags.add(flag);
            }
            rule = new Rule.Only(match, rule, flags, Rule.Advice.NONE);
        }
        return rule.withAdvice(new Rule.Advice(why, hint));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static Rule parseRule(Toml t, String path, int i, String entry, FlagSyntax syntax) throws ConfigError {
        try {
            Rule r = RuleParser.parse(entry, syntax);
            if (tooLong(r)) throw new IllegalArgumentException("more than " + MAX_SUBCOMMAND_WORDS + " subcommand words");
            return r;
        } catch (IllegalArgumentException e) {
            throw t.elementError(path, i, "rule \"" + entry + "\": " + e.getMessage());
        }
    }

    private static Set<String> flagSet(Toml t, Toml.Table flags, String key, FlagSyntax named) throws ConfigError {
        List<String> l = t.strings(flags, key);
        Set<String> out = new HashSet<>();
        if (l == null) return out;
        for (int i = 0; i < l.size(); i++) {
            try {
                RuleParser.checkFlagName(l.get(i), l.get(i), named);
                out.add(named.canonical(l.get(i)));
            } catch (IllegalArgumentException e) {
                t.report(t.elementError(flags.child(key), i, e.getMessage()));
            }
        }
        return out;
    }

    private static void checkFlag(Toml t, String where, String flag, FlagSyntax syntax) throws ConfigError {
        try {
            RuleParser.checkFlagName(flag, flag, syntax);
        } catch (IllegalArgumentException e) {
            throw t.error(where, e.getMessage());
        }
    }

    private static boolean tooLong(Rule r) {
        return switch (r) {
            case Rule.Subcommand s -> s.words().size() > MAX_SUBCOMMAND_WORDS;
            case Rule.Flag f -> false;
            case Rule.Sequence q -> q.parts().stream().anyMatch(ModuleLoader::tooLong);
            case Rule.Only o -> tooLong(o.match());
        };
    }

    /**
     * The syntax the reader uses: a flag with a {@code =GLOB} rule takes a value, and every long
     * flag the module names is a known long option (so its abbreviations resolve).
     */
    private static FlagSyntax complete(FlagSyntax d, List<Rule> rules) {
        Set<String> value = new HashSet<>(d.value());
        Set<String> known = new HashSet<>(d.longOptions());
        List<Rule> all = new ArrayList<>(rules);
        for (FlagSyntax.PositionalPaths pp : d.positionalPaths()) all.add(pp.when());
        for (Rule r : all) collect(r, value, known, d);
        for (Set<String> s : List.of(d.value(), d.switches(), d.paths(), d.caseInsensitive(), Set.copyOf(d.aliases().values()))) {
            for (String f : s) if (isLong(f, d)) known.add(f);
        }
        return new FlagSyntax(value, d.switches(), d.paths(), d.singleDashLong(), d.caseInsensitive(), known,
                d.longListed(), d.aliases(), d.abbreviations(), d.positionalPaths(), d.valueCount(), d.pathValues());
    }

    private static void collect(Rule r, Set<String> value, Set<String> known, FlagSyntax d) {
        switch (r) {
            case Rule.Flag f -> {
                if (f.valueGlob() != null && !d.switches().contains(f.flag())) value.add(f.flag());
                if (isLong(f.flag(), d)) known.add(f.flag());
            }
            case Rule.Sequence q -> q.parts().forEach(p -> collect(p, value, known, d));
            case Rule.Subcommand s -> { }
            case Rule.Only o -> {
                collect(o.match(), value, known, d);
                o.flags().forEach(f -> collect(f, value, known, d));
            }
        }
    }

    private static boolean isLong(String canonical, FlagSyntax d) {
        return d.singleDashLong() || canonical.startsWith("--");
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
