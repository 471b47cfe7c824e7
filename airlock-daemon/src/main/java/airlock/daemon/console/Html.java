package airlock.daemon.console;

/** Escapes text for HTML element content and double-quoted attributes. Every dynamic string goes through it. */
final class Html {
    private Html() {}

    static String esc(Object o) {
        String s = String.valueOf(o);
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
        StringBuilder b = new StringBuilder();
        for (String a : argv) {
            if (!b.isEmpty()) b.append(' ');
            b.append(!a.isEmpty() && a.matches("[A-Za-z0-9_./=:@%+,-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return b.toString();
    }
}
