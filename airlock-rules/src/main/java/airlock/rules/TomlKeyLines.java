package airlock.rules;

import java.util.HashMap;
import java.util.Map;

/**
 * The line of every key path in a TOML text ({@code deny.args} -> 7, {@code deny.args[2]} -> 9),
 * because Jackson's tree keeps no locations. Runs only on text Jackson has already accepted, so it
 * reads structure, not validity; it never throws and always advances, whatever the input.
 */
final class TomlKeyLines {
    private final String s;
    private int i;
    private int line = 1;
    private final Map<String, Integer> lines = new HashMap<>();

    private TomlKeyLines(String s) {
        this.s = s;
    }

    static Map<String, Integer> of(String text) {
        TomlKeyLines k = new TomlKeyLines(text);
        k.document();
        return k.lines;
    }

    private void document() {
        String table = "";
        while (true) {
            skipBlank(true);
            if (i >= s.length()) return;
            int start = i;
            if (peek() == '[') {
                boolean arrayTable = peekAt(1) == '[';
                i += arrayTable ? 2 : 1;
                int at = line;
                skipBlank(false);
                table = key("");
                record(table, at);
                skipBlank(false);
                while (peek() == ']') i++;
            } else {
                int at = line;
                String k = key(table);
                record(k, at);
                skipBlank(false);
                if (peek() == '=') i++;
                value(k);
            }
            skipToLineEnd();
            if (i == start) i++;
        }
    }

    /** A dotted key ({@code a."b.c".d}) under {@code prefix}; records each table it opens. */
    private String key(String prefix) {
        StringBuilder path = new StringBuilder(prefix);
        while (i < s.length()) {
            skipBlank(false);
            String part;
            char c = peek();
            if (c == '"' || c == '\'') {
                int from = i;
                string();
                part = s.substring(Math.min(from + 1, i), Math.max(from + 1, i - 1));
            } else {
                int from = i;
                while (i < s.length() && bare(s.charAt(i))) i++;
                part = s.substring(from, i);
                if (part.isEmpty()) return path.toString();
            }
            if (!path.isEmpty()) path.append('.');
            path.append(part);
            skipBlank(false);
            if (peek() != '.') return path.toString();
            record(path.toString(), line);
            i++;
        }
        return path.toString();
    }

    private static boolean bare(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-';
    }

    private void value(String path) {
        skipBlank(false);
        char c = peek();
        if (c == '"' || c == '\'') {
            string();
        } else if (c == '[') {
            i++;
            for (int index = 0; ; index++) {
                skipBlank(true);
                if (i >= s.length()) return;
                if (peek() == ']') { i++; return; }
                int start = i;
                String element = path + "[" + index + "]";
                record(element, line);
                value(element);
                skipBlank(true);
                if (peek() == ',') i++;
                if (i == start) i++;
            }
        } else if (c == '{') {
            i++;
            while (true) {
                skipBlank(true);
                if (i >= s.length()) return;
                if (peek() == '}') { i++; return; }
                int start = i;
                int at = line;
                String k = key(path);
                record(k, at);
                skipBlank(false);
                if (peek() == '=') i++;
                value(k);
                skipBlank(true);
                if (peek() == ',') i++;
                if (i == start) i++;
            }
        } else {
            // numbers, booleans, dates (which may hold a space): up to a separator
            while (i < s.length() && ",]}#\n".indexOf(s.charAt(i)) < 0) i++;
        }
    }

    /** A basic, literal or multi-line string starting at i; counts the lines it spans. */
    private void string() {
        char q = peek();
        boolean multi = peekAt(1) == q && peekAt(2) == q;
        i += multi ? 3 : 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\' && q == '"') {
                if (peekAt(1) == '\n') line++;
                i += 2;
            } else if (c == q && (!multi || peekAt(1) == q && peekAt(2) == q)) {
                i += multi ? 3 : 1;
                if (multi) while (peek() == q) i++; // """a"""" ends with a quote in the content
                return;
            } else {
                if (c == '\n') line++;
                i++;
            }
        }
    }

    private void skipBlank(boolean newlines) {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r') i++;
            else if (c == '#') skipToLineEnd();
            else if (c == '\n' && newlines) { line++; i++; }
            else return;
        }
    }

    private void skipToLineEnd() {
        while (i < s.length() && s.charAt(i) != '\n') i++;
    }

    private char peek() {
        return peekAt(0);
    }

    private char peekAt(int ahead) {
        int at = i + ahead;
        return at >= 0 && at < s.length() ? s.charAt(at) : '\0';
    }

    private void record(String path, int at) {
        lines.putIfAbsent(path, at);
    }

    /** The line of {@code path}, else of its nearest recorded parent, else 0. */
    static int lineOf(Map<String, Integer> lines, String path) {
        String p = path;
        while (true) {
            Integer l = lines.get(p);
            if (l != null) return l;
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            if (cut <= 0) return 0;
            p = p.substring(0, cut);
        }
    }

}
