package airlock.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A fish completion script rendered from the picocli model, as {@link ManPage} renders the man
 * pages, so neither can drift from the code (picocli's AutoComplete writes bash, which zsh also
 * reads, but not fish). One {@code complete} line per visible subcommand and per option; a
 * command's words are offered once its parents were typed and none of its own subcommands was.
 */
final class FishCompletion {
    private FishCompletion() {}

    static String render(CommandSpec root) {
        String name = root.name();
        StringBuilder b = new StringBuilder();
        b.append("# fish completion for ").append(name).append(" (written by '").append(name)
                .append(" completion fish' from its command model)\n");
        // no file names unless an option takes a path
        b.append("complete -c ").append(name).append(" -f\n");
        command(b, name, root, List.of());
        return b.toString();
    }

    private static void command(StringBuilder b, String name, CommandSpec spec, List<String> path) {
        List<Map.Entry<String, CommandLine>> subs = spec.subcommands().entrySet().stream()
                .filter(e -> !e.getValue().getCommandSpec().usageMessage().hidden())
                .filter(e -> e.getKey().equals(e.getValue().getCommandName()))
                .toList();
        String here = seen(path);
        if (!subs.isEmpty()) {
            List<String> words = subs.stream().map(Map.Entry::getKey).toList();
            String none = (path.isEmpty() ? "__fish_use_subcommand" : here + "; and not __fish_seen_subcommand_from " + String.join(" ", words));
            for (var e : subs) {
                b.append("complete -c ").append(name).append(" -n ").append(quote(none)).append(" -a ").append(quote(e.getKey()))
                        .append(" -d ").append(quote(summary(e.getValue().getCommandSpec()))).append('\n');
            }
        }
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) continue;
            b.append("complete -c ").append(name);
            if (!path.isEmpty()) b.append(" -n ").append(quote(here));
            for (String n : o.names()) {
                if (n.startsWith("--")) b.append(" -l ").append(n.substring(2));
                else if (n.startsWith("-") && n.length() == 2) b.append(" -s ").append(n.charAt(1));
            }
            if (o.arity().max() > 0) {
                b.append(" -r");
                if (Path.class.isAssignableFrom(o.type()) || java.io.File.class.isAssignableFrom(o.type())) b.append(" -F");
                else if (o.completionCandidates() != null && o.completionCandidates().iterator().hasNext()) {
                    List<String> c = new ArrayList<>();
                    o.completionCandidates().forEach(c::add);
                    b.append(" -a ").append(quote(String.join(" ", c)));
                }
            }
            String[] d = o.description();
            if (d.length > 0) b.append(" -d ").append(quote(firstSentence(d[0])));
            b.append('\n');
        }
        for (var e : subs) {
            List<String> deeper = new ArrayList<>(path);
            deeper.add(e.getKey());
            command(b, name, e.getValue().getCommandSpec(), deeper);
        }
    }

    /** fish's condition that every word of {@code path} was typed ("" at the top). */
    private static String seen(List<String> path) {
        return String.join("; and ", path.stream().map(w -> "__fish_seen_subcommand_from " + w).toList());
    }

    private static String summary(CommandSpec spec) {
        String[] h = spec.usageMessage().header();
        String[] d = spec.usageMessage().description();
        return firstSentence(h.length > 0 ? h[0] : d.length > 0 ? d[0] : "");
    }

    private static String firstSentence(String s) {
        String t = s.replaceAll("\\s+", " ").strip();
        // a sentence ends at ". " before a capital ("i.e. ~/.config" goes on)
        var end = java.util.regex.Pattern.compile("\\.\\s(?=[A-Z])").matcher(t);
        if (end.find()) t = t.substring(0, end.start() + 1);
        return t.length() > 100 ? t.substring(0, 97) + "..." : t;
    }

    /** A fish single-quoted word: inside, only backslash and the quote are special. */
    static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
