package airlock.cli;

import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A troff man page for one command, rendered from its picocli model, so the pages cannot drift
 * from the code. (picocli-codegen's ManPageGenerator writes AsciiDoc, which needs Asciidoctor
 * before {@code man} can read it; this writes what {@code man} reads directly.)
 */
final class ManPage {
    private ManPage() {}

    /** "airlock-profile-show" for {@code airlock profile show}. */
    static String fileName(CommandSpec spec) {
        return spec.qualifiedName("-");
    }

    static String render(CommandSpec spec, String version) {
        StringBuilder b = new StringBuilder();
        String name = fileName(spec);
        b.append(".TH \"").append(esc(name.toUpperCase())).append("\" \"1\" \"\" \"").append(esc(version))
                .append("\" \"Airlock Manual\"\n");
        b.append(".SH NAME\n").append(esc(name)).append(" \\- ").append(esc(summary(spec))).append('\n');
        b.append(".SH SYNOPSIS\n.nf\n");
        String synopsis = spec.commandLine().getHelp().synopsis(0).strip();
        for (String l : synopsis.lines().toList()) b.append(line(l));
        b.append(".fi\n");
        b.append(".SH DESCRIPTION\n");
        String[] paragraphs = spec.usageMessage().description();
        for (int i = 0; i < paragraphs.length; i++) b.append(i == 0 ? "" : ".PP\n").append(line(paragraphs[i]));
        List<PositionalParamSpec> params = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (!params.isEmpty()) {
            b.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : params) item(b, p.paramLabel(), p);
        }
        List<OptionSpec> options = spec.options().stream().filter(o -> !o.hidden()).toList();
        if (!options.isEmpty()) {
            b.append(".SH OPTIONS\n");
            for (OptionSpec o : options) {
                String label = String.join(", ", o.names()) + (o.arity().max() > 0 ? " " + o.paramLabel() : "");
                item(b, label, o);
            }
        }
        List<Map.Entry<String, CommandLine>> subs = visibleSubcommands(spec);
        if (!subs.isEmpty()) {
            b.append(".SH COMMANDS\n");
            for (var e : subs) {
                b.append(".TP\n.B ").append(esc(e.getKey())).append('\n')
                        .append(esc(summary(e.getValue().getCommandSpec()))).append('\n');
            }
        }
        b.append(".SH SEE ALSO\n");
        List<String> see = new ArrayList<>();
        if (spec.parent() != null) see.add(fileName(spec.parent()));
        for (var e : subs) see.add(fileName(e.getValue().getCommandSpec()));
        if (see.isEmpty()) see.add("airlock");
        b.append(esc(String.join("(1), ", see) + "(1)")).append('\n');
        return b.toString();
    }

    /** This command and every visible command below it. */
    static List<CommandSpec> tree(CommandSpec root) {
        List<CommandSpec> all = new ArrayList<>();
        all.add(root);
        for (var e : visibleSubcommands(root)) all.addAll(tree(e.getValue().getCommandSpec()));
        return all;
    }

    private static List<Map.Entry<String, CommandLine>> visibleSubcommands(CommandSpec spec) {
        return spec.subcommands().entrySet().stream()
                .filter(e -> !e.getValue().getCommandSpec().usageMessage().hidden())
                .filter(e -> e.getKey().equals(e.getValue().getCommandName())) // not aliases
                .toList();
    }

    private static void item(StringBuilder b, String label, ArgSpec a) {
        b.append(".TP\n.B ").append(esc(label)).append('\n');
        for (String l : a.description()) b.append(line(l));
    }

    /** The one-line summary: the header, as picocli's own command list uses it. */
    private static String summary(CommandSpec spec) {
        String[] h = spec.usageMessage().header();
        String[] d = spec.usageMessage().description();
        return h.length > 0 ? h[0] : d.length > 0 ? d[0] : "";
    }

    /** One text line, safe from being read as a troff request. */
    private static String line(String s) {
        String e = esc(s);
        return (e.startsWith(".") || e.startsWith("'") ? "\\&" + e : e) + "\n";
    }

    static String esc(String s) {
        return s.replace("\\", "\\e").replace("-", "\\-");
    }
}
