package airlock.daemon.console;

/** Escapes text for HTML element content and double-quoted attributes. Every dynamic string goes through it. */
final class Html {
    private Html() {}

    static String esc(Object o) {
        // the agent's text must not reorder or hide what the person reads (bidi controls, format
        // characters, controls): Visible's one escaping first, then HTML's; a block keeps its lines
        String s = airlock.daemon.core.Visible.lines(String.valueOf(o));
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** An argv as a person would type it: an argument with spaces or quotes is quoted. */
    static String argv(java.util.List<String> argv) {
        return airlock.daemon.core.ShellWords.join(argv);
    }
}
