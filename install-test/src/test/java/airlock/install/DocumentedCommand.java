package airlock.install;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A command line shown in README.md or docs/*.md: the file and line it is on and its text as
 * written (a trailing {@code # comment} removed). What counts as one:
 * <ul>
 *   <li>in a fenced code block (sh, bash, shell, console or no language), a line that starts with
 *   {@code airlock}, {@code ~/.local/bin/airlock} or {@code ./install.sh}, or runs airlock after
 *   {@code |}, {@code &&} or {@code ;} (lines ending in {@code \} are joined first);</li>
 *   <li>outside fences, an inline code span that starts with one of those (a span may wrap over
 *   two lines of the paragraph; its whitespace is collapsed).</li>
 * </ul>
 * Lines starting with {@code airlock:} are airlock's messages, not commands.
 *
 * <p>A text is a <b>synopsis</b> when it has usage grammar: {@code [optional]}, {@code X...},
 * {@code a|b}, {@code <placeholder>} or an all-capitals placeholder word ({@code NAME},
 * {@code PROFILE}, {@code ID}, {@code X}, ...). A synopsis is run as one instance of it, which
 * {@link #admits} checks word by word: literal words equal, a placeholder is any one word, an
 * optional group may be left out, {@code X...} is one or more words and {@code ...} alone any number.
 * An inline span of literal words (and {@code a|b}) names a verb ({@code airlock approve},
 * {@code airlock profile lock|rotate|revoke}): it may also be run as a command that starts with it.
 */
record DocumentedCommand(String file, int line, String text, boolean fenced) {
    private static final Pattern FENCE = Pattern.compile("^\\s*(```+|~~~+)\\s*([A-Za-z]*)");
    private static final Pattern SPAN = Pattern.compile("`([^`]+)`");
    private static final Pattern STARTS = Pattern.compile("^(?:\\$ )?(?:airlock |~/\\.local/bin/airlock |\\./install\\.sh(?: |$))");
    private static final Pattern RUNS_AIRLOCK = Pattern.compile("(?:\\||&&|;)\\s*(?:~/\\.local/bin/)?airlock ");
    private static final Pattern PLACEHOLDER = Pattern.compile("[A-Z][A-Z0-9_]*(?:\\.\\.\\.)?|<[^>]+>");

    String where() {
        return file + ":" + line;
    }

    /** Every documented command of README.md and docs/*.md, in file and line order. */
    static List<DocumentedCommand> in(Path repo) {
        List<Path> files = new ArrayList<>(List.of(repo.resolve("README.md")));
        try (Stream<Path> docs = Files.list(repo.resolve("docs"))) {
            docs.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().forEach(files::add);
            List<DocumentedCommand> all = new ArrayList<>();
            for (Path f : files) all.addAll(in(repo.relativize(f).toString(), Files.readAllLines(f)));
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<DocumentedCommand> in(String file, List<String> lines) {
        List<DocumentedCommand> out = new ArrayList<>();
        String fence = null;
        boolean shellFence = false;
        StringBuilder paragraph = new StringBuilder();
        List<Integer> paragraphLines = new ArrayList<>(); // offset in paragraph -> line number, per line start
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            Matcher m = FENCE.matcher(l);
            if (fence == null && m.find()) {
                spans(file, paragraph, paragraphLines, out);
                fence = m.group(1);
                shellFence = List.of("", "sh", "bash", "shell", "console").contains(m.group(2));
                continue;
            }
            if (fence != null) {
                if (l.strip().startsWith(fence)) {
                    fence = null;
                    continue;
                }
                if (!shellFence) continue;
                int first = i;
                StringBuilder joined = new StringBuilder(l.strip());
                while (joined.toString().endsWith("\\") && i + 1 < lines.size()) {
                    joined.setLength(joined.length() - 1);
                    joined.append(' ').append(lines.get(++i).strip());
                }
                String cmd = withoutComment(joined.toString()).strip();
                if (STARTS.matcher(cmd).find() || RUNS_AIRLOCK.matcher(cmd).find()) {
                    out.add(new DocumentedCommand(file, first + 1, cmd.startsWith("$ ") ? cmd.substring(2) : cmd, true));
                }
                continue;
            }
            if (l.isBlank()) {
                spans(file, paragraph, paragraphLines, out);
                continue;
            }
            paragraphLines.add(paragraph.length());
            paragraphLines.add(i + 1);
            paragraph.append(l).append('\n');
        }
        spans(file, paragraph, paragraphLines, out);
        return out;
    }

    private static void spans(String file, StringBuilder paragraph, List<Integer> lineStarts, List<DocumentedCommand> out) {
        Matcher m = SPAN.matcher(paragraph);
        while (m.find()) {
            String span = m.group(1).replaceAll("\\s+", " ").strip();
            if (!STARTS.matcher(span).find() || span.startsWith("$ ")) continue;
            int line = 0;
            for (int k = 0; k < lineStarts.size(); k += 2) if (lineStarts.get(k) <= m.start()) line = lineStarts.get(k + 1);
            out.add(new DocumentedCommand(file, line, span, false));
        }
        paragraph.setLength(0);
        lineStarts.clear();
    }

    /** The line without a trailing shell comment: a '#' after whitespace, outside quotes. */
    static String withoutComment(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '#' && i > 0 && Character.isWhitespace(line.charAt(i - 1))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    boolean isSynopsis() {
        for (String w : text.split("\\s+")) {
            if (w.contains("[") || w.contains("]") || w.contains("...") || (w.contains("|") && !w.equals("|"))
                    || PLACEHOLDER.matcher(w).matches()) return true;
        }
        return false;
    }

    /** Whether {@code instance} (a shell command line) is what this text documents, as explained above. */
    boolean admits(String instance) {
        if (instance.equals(text)) return true;
        String re = synopsisRegex(text);
        if (!fenced && namesVerbsOnly()) re += "(?:\0[^\0]+)*"; // `airlock approve`, `airlock profile lock|rotate|revoke`
        else if (!isSynopsis()) return false;
        StringBuilder subject = new StringBuilder();
        for (String w : words(instance)) subject.append('\0').append(w);
        return Pattern.compile(re).matcher(subject).matches();
    }

    /** Literal words and {@code a|b} only: an inline span that names a verb rather than a whole command. */
    private boolean namesVerbsOnly() {
        for (String w : text.split("\\s+")) {
            if (w.contains("[") || w.contains("]") || w.contains("...") || w.contains("<") || w.contains("\"") || w.contains("'")
                    || PLACEHOLDER.matcher(w).matches()) return false;
        }
        return true;
    }

    private static String synopsisRegex(String synopsis) {
        String word = "\0[^\0]+";
        StringBuilder re = new StringBuilder();
        for (String w : synopsis.replace("[", " [ ").replace("]", " ] ").strip().split("\\s+")) {
            if (w.equals("[")) re.append("(?:");
            else if (w.equals("]")) re.append(")?");
            else if (w.equals("...")) re.append("(?:").append(word).append(")*");
            else if (PLACEHOLDER.matcher(w).matches()) re.append(w.endsWith("...") || w.endsWith("...>") ? "(?:" + word + ")+" : "(?:" + word + ")");
            else if (w.contains("|") && !w.equals("|")) {
                List<String> alts = new ArrayList<>();
                for (String a : w.split("\\|")) alts.add(Pattern.quote(a));
                re.append("\0(?:").append(String.join("|", alts)).append(")");
            } else re.append(Pattern.quote("\0" + w));
        }
        return re.toString();
    }

    /** A command line's words as sh splits them, for the simple lines documented (quotes, no expansion). */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder w = null;
        char quote = 0;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) quote = 0;
                else w.append(c);
            } else if (c == '\'' || c == '"') {
                if (w == null) w = new StringBuilder();
                quote = c;
            } else if (Character.isWhitespace(c)) {
                if (w != null) out.add(w.toString());
                w = null;
            } else {
                if (w == null) w = new StringBuilder();
                w.append(c);
            }
        }
        if (w != null) out.add(w.toString());
        return out;
    }
}
