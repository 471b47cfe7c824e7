package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.rules.CommandModule;
import airlock.rules.ConfigError;
import airlock.rules.Decision;
import airlock.rules.Invocation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The {@code [allow]} list {@code airlock suggest} writes for one command: from the argument
 * vectors the Gate allowed, rules that allow each of them and as little else as the rule grammar
 * can say. Each rule is the subcommand words seen ({@code match}, a prefix of the certain
 * positional arguments) and the only flags seen with them ({@code only_flags}). Generalisation,
 * only where {@link #MANY} or more different ones were seen: words after a path are cut (the rule
 * allows any word there), values of flags the module declares as taking one become their common
 * prefix and {@code *}. Never a bare {@code *}: the first word is never cut, and a value with no
 * common prefix stays a list of the values seen. The rest of the module ([flags], [env], [checks],
 * [sandbox], ...) is kept as it is, so the tool is read and hardened exactly as before.
 */
final class ModuleSuggestion {
    /** How many different words or values at one place count as "many". */
    static final int MANY = 3;
    private static final int MAX_WORDS = 32;
    private static final Pattern TABLE_HEADER = Pattern.compile("^\\s*\\[\\[?\\s*[A-Za-z0-9_.\"' -]+\\s*\\]\\]?\\s*(#.*)?$");
    private static final Pattern RULE_TABLE = Pattern.compile("^\\s*\\[\\s*(deny|allow)\\s*\\]\\s*(#.*)?$");

    private ModuleSuggestion() {}

    /** One flag use as a rule can name it: the canonical flag, and its value when the module certainly reads one. */
    private record Use(String flag, String value) {}

    /** One allowed request, as the rules see it. */
    private record Seen(List<String> path, List<Use> flags, List<String> args) {}

    /** A rule to write: its words (empty: {@code flagMatch} instead) and the flags it allows. */
    private record Suggested(List<String> words, String flagMatch, List<String> onlyFlags, boolean generalised) {
        String match() {
            return words.isEmpty() ? flagMatch : String.join(" ", words);
        }
    }

    /**
     * What was written and how it fared against the log: allowed requests it would refuse and
     * module-refused ones it would allow (both should be empty).
     */
    record Result(String text, int rules, List<List<String>> notAllowed, List<List<String>> stillAllowed, Optional<String> loadError) {}

    /**
     * @param module    the live module (its [flags] read the arguments)
     * @param text      its TOML text, whose [deny]/[allow] table is replaced
     * @param allowed   argument vectors the Gate allowed
     * @param refused   argument vectors the module layer refused
     */
    static Result suggest(CommandModule module, String text, List<List<String>> allowed, List<List<String>> refused, String header) {
        List<Seen> seen = new ArrayList<>();
        for (List<String> args : new LinkedHashSet<>(allowed)) seen.add(seen(module, args));
        Set<List<String>> keep = new HashSet<>(); // paths never to generalise (a refused request fell under them)
        Result last = null;
        for (int round = 0; round < 16; round++) {
            List<Suggested> rules = new ArrayList<>();
            List<List<String>> inexpressible = new ArrayList<>();
            rules(module, seen, List.of(), 0, keep, rules, inexpressible);
            String out = render(module, text, rules, inexpressible, header);
            CommandModule loaded;
            try {
                loaded = ConfigDirectory.loadModule(module.name(), "suggested " + module.name() + ".toml", ConfigDirectory.userSource(module.name()), out);
            } catch (ConfigError e) {
                return new Result(out, rules.size(), List.of(), List.of(), Optional.of(e.getMessage()));
            }
            List<List<String>> notAllowed = new ArrayList<>();
            for (List<String> a : new LinkedHashSet<>(allowed)) if (!loaded.judge(loaded.read(a)).allowed()) notAllowed.add(a);
            List<List<String>> stillAllowed = new ArrayList<>();
            boolean narrowed = false;
            for (List<String> a : new LinkedHashSet<>(refused)) {
                Decision d = loaded.judge(loaded.read(a));
                if (!d.allowed()) continue;
                // a generalised rule took it in: write that place's requests one by one instead
                Optional<Suggested> by = rules.stream().filter(r -> r.generalised() && r.match().equals(d.rule())).findFirst();
                if (by.isPresent() && keep.add(by.get().words())) narrowed = true;
                else stillAllowed.add(a);
            }
            last = new Result(out, rules.size(), notAllowed, stillAllowed, Optional.empty());
            if (!narrowed) break;
        }
        return last;
    }

    private static Seen seen(CommandModule module, List<String> args) {
        Invocation inv = module.read(args);
        List<String> path = new ArrayList<>();
        for (Invocation.Word w : inv.words()) {
            // only certain words can be matched by an [allow] rule, and only words a rule can spell
            if (!w.sure() || path.size() == MAX_WORDS || !writable(w.text())) break;
            path.add(w.text());
        }
        List<Use> flags = new ArrayList<>();
        for (Invocation.FlagUse u : inv.flags()) {
            boolean valued = u.value() != null && u.valueSure() && u.more().isEmpty() && module.syntax().value().contains(u.flag());
            flags.add(new Use(u.flag(), valued ? u.value() : null));
        }
        return new Seen(List.copyOf(path), List.copyOf(flags), args);
    }

    /** A word a rule can hold: no space (words are split on it), no '&', not a flag, not the '*' of positional_paths. */
    private static boolean writable(String w) {
        return !w.isEmpty() && !w.startsWith("-") && !w.equals("*") && !w.contains("&") && w.chars().noneMatch(c -> Character.isWhitespace(c) || c < 0x20);
    }

    /** The rules for the requests under {@code prefix}, depth first, words in order. */
    private static void rules(CommandModule module, List<Seen> under, List<String> prefix, int depth, Set<List<String>> keep,
                              List<Suggested> out, List<List<String>> inexpressible) {
        TreeMap<String, List<Seen>> next = new TreeMap<>();
        List<Seen> here = new ArrayList<>();
        for (Seen s : under) {
            if (s.path().size() > depth) next.computeIfAbsent(s.path().get(depth), k -> new ArrayList<>()).add(s);
            else here.add(s);
        }
        // many different words after a subcommand path: the path alone, for all of them (never at the root: that is '*')
        if (depth > 0 && next.size() >= MANY && !keep.contains(prefix)) {
            out.add(new Suggested(prefix, null, onlyFlags(module, under), true));
            return;
        }
        if (!here.isEmpty()) {
            if (depth > 0) {
                out.add(new Suggested(prefix, null, onlyFlags(module, here), false));
            } else {
                // no certain word at all (git --version): the first certain flag is the match
                for (Seen s : here) {
                    Optional<String> first = module.read(s.args()).flags().stream().filter(Invocation.FlagUse::flagSure)
                            .map(Invocation.FlagUse::flag).findFirst();
                    if (first.isPresent()) out.add(new Suggested(List.of(), first.get(), onlyFlags(module, List.of(s)), false));
                    else inexpressible.add(s.args());
                }
            }
        }
        for (var e : next.entrySet()) {
            List<String> p = new ArrayList<>(prefix);
            p.add(e.getKey());
            rules(module, e.getValue(), List.copyOf(p), depth + 1, keep, out, inexpressible);
        }
    }

    /** Every flag the requests used, each with the values seen (or its common prefix when many), sorted. */
    private static List<String> onlyFlags(CommandModule module, List<Seen> requests) {
        TreeMap<String, Set<String>> values = new TreeMap<>();
        Set<String> anyValue = new HashSet<>();
        for (Seen s : requests) {
            for (Use u : s.flags()) {
                Set<String> v = values.computeIfAbsent(u.flag(), k -> new TreeSet<>());
                if (u.value() == null) anyValue.add(u.flag());
                else v.add(u.value());
            }
        }
        List<String> out = new ArrayList<>();
        values.forEach((flag, vs) -> {
            if (anyValue.contains(flag) || vs.isEmpty()) {
                out.add(flag);
                return;
            }
            String prefix = commonPrefix(vs);
            if (vs.size() >= MANY && !prefix.isEmpty()) out.add(flag + "=" + globLiteral(prefix) + "*");
            else vs.forEach(v -> out.add(flag + "=" + globLiteral(v)));
        });
        return out;
    }

    private static String commonPrefix(Set<String> values) {
        String p = null;
        for (String v : values) {
            if (p == null) {
                p = v;
                continue;
            }
            int i = 0;
            while (i < p.length() && i < v.length() && p.charAt(i) == v.charAt(i)) i++;
            p = p.substring(0, i);
        }
        return p == null ? "" : p;
    }

    /** A value matched as itself: the glob's special characters escaped. */
    static String globLiteral(String v) {
        StringBuilder b = new StringBuilder();
        for (char c : v.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == '\\') b.append('\\');
            b.append(c);
        }
        return b.toString();
    }

    /** The module's text with its rule table replaced by {@code rules}. */
    private static String render(CommandModule module, String text, List<Suggested> rules, List<List<String>> inexpressible, String header) {
        StringBuilder allow = new StringBuilder("[allow]\n");
        for (List<String> a : inexpressible) {
            allow.append("# no rule can name this request (no certain word or flag): ").append(comment(a)).append('\n');
        }
        allow.append("args = [\n");
        for (Suggested r : rules) {
            allow.append("  { match = ").append(tomlString(r.match())).append(", only_flags = [")
                    .append(String.join(", ", r.onlyFlags().stream().map(ModuleSuggestion::tomlString).toList())).append("] },\n");
        }
        allow.append("]\n");
        List<String> lines = new ArrayList<>(text.lines().toList());
        int start = -1;
        for (int i = 0; i < lines.size() && start < 0; i++) if (RULE_TABLE.matcher(lines.get(i)).matches()) start = i;
        StringBuilder b = new StringBuilder(header);
        if (start < 0) {
            // the rules are written some other way (dotted keys, an inline table): the list goes first, and a load that
            // finds both tables says so
            b.append(allow).append('\n').append(text);
            return b.toString();
        }
        int end = start + 1;
        while (end < lines.size() && !TABLE_HEADER.matcher(lines.get(end)).matches()) end++;
        // comment lines just above the next table belong to it
        while (end - 1 > start && lines.get(end - 1).strip().startsWith("#")) end--;
        for (int i = 0; i < start; i++) b.append(lines.get(i)).append('\n');
        b.append("# the ").append(module.mode() == CommandModule.Mode.DENY ? "[deny]" : "[allow]").append(" list of ")
                .append(module.source()).append(" is replaced by the requests seen:\n");
        b.append(allow);
        if (end < lines.size()) b.append('\n');
        for (int i = end; i < lines.size(); i++) b.append(lines.get(i)).append('\n');
        return b.toString();
    }

    /**
     * A TOML basic string: quotes and backslashes escaped, and every character {@link
     * airlock.daemon.core.Visible} hides from a terminal (controls, bidi overrides) as a
     * {@code \\u} escape: the words and values are the agent's, and this is printed to a person.
     */
    static String tomlString(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f || airlock.daemon.core.Visible.hidden(c)) {
                        b.append(c > 0xffff ? String.format("\\U%08x", c) : String.format("\\u%04x", c));
                    } else {
                        b.appendCodePoint(c);
                    }
                }
            }
        });
        return b.append('"').toString();
    }

    /** Agent text in a TOML comment: one line, quoted as the log quotes it (control characters escaped). */
    private static String comment(List<String> args) {
        return airlock.daemon.core.ShellWords.join(args).replace("\n", "\\n").replace("\r", "\\r");
    }
}
