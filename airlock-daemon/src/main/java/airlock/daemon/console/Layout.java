package airlock.daemon.console;

import java.util.List;

/** The frame of every page: navigation, a notice, the content. No inline script or style (the CSP forbids both). */
final class Layout {
    static final List<String[]> NAV = List.of(
            new String[]{"/", "Overview"}, new String[]{"/profiles", "Profiles"}, new String[]{"/secrets", "Secrets"},
            new String[]{"/approvals", "Approvals"}, new String[]{"/activity", "Activity"}, new String[]{"/modules", "Modules"});

    private Layout() {}

    static String page(String title, String path, ConsoleSessions.Session s, Outcome notice, String body) {
        StringBuilder b = new StringBuilder(4096 + body.length());
        b.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(Html.esc(title)).append(" · airlock</title>")
                .append("<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">")
                .append("<link rel=\"stylesheet\" href=\"/static/console.css\">")
                .append("<script src=\"/static/console.js\" defer></script></head><body>")
                .append("<header><span class=\"brand\">airlock</span><nav>");
        for (String[] n : NAV) {
            boolean here = n[0].equals(path);
            b.append("<a href=\"").append(n[0]).append('"').append(here ? " aria-current=\"page\"" : "").append('>')
                    .append(n[1]).append("</a>");
        }
        b.append("</nav>");
        if (s != null) {
            b.append("<form method=\"post\" action=\"/logout\" class=\"logout\">").append(csrf(s))
                    .append("<button type=\"submit\">Log out</button></form>");
        }
        b.append("</header><main><h1>").append(Html.esc(title)).append("</h1>");
        if (notice != null) b.append(notice(notice));
        b.append(body).append("</main></body></html>");
        return b.toString();
    }

    static String notice(Outcome o) {
        String kind = switch (o) {
            case Outcome.Done d -> "ok";
            case Outcome.KeyIssued k -> "ok";
            case Outcome.Refused r -> "bad";
            case Outcome.Unavailable u -> "warn";
        };
        return "<p class=\"notice " + kind + "\" role=\"status\">" + Html.esc(o.message()) + "</p>";
    }

    static String csrf(ConsoleSessions.Session s) {
        return "<input type=\"hidden\" name=\"csrf\" value=\"" + Html.esc(s.csrf()) + "\">";
    }

    /** A one-button form that POSTs {@code fields}; {@code confirm} is asked by console.js first. */
    static String action(ConsoleSessions.Session s, String action, String label, String confirm, String cls, String... fields) {
        StringBuilder b = new StringBuilder("<form method=\"post\" class=\"inline\" action=\"").append(Html.esc(action)).append('"');
        if (confirm != null) b.append(" data-confirm=\"").append(Html.esc(confirm)).append('"');
        b.append('>').append(csrf(s));
        for (int i = 0; i + 1 < fields.length; i += 2) {
            b.append("<input type=\"hidden\" name=\"").append(Html.esc(fields[i])).append("\" value=\"")
                    .append(Html.esc(fields[i + 1])).append("\">");
        }
        return b.append("<button type=\"submit\" class=\"").append(cls).append("\">").append(Html.esc(label))
                .append("</button></form>").toString();
    }

    /** Like {@link #action}, with one optional text field ({@code reason}) before the button. */
    static String actionWithReason(ConsoleSessions.Session s, String action, String label, String confirm, String cls,
                                   String placeholder, String... fields) {
        String form = action(s, action, label, confirm, cls, fields);
        int button = form.lastIndexOf("<button ");
        return form.substring(0, button) + "<input name=\"reason\" maxlength=\"200\" class=\"reason\" placeholder=\""
                + Html.esc(placeholder) + "\" aria-label=\"" + Html.esc(placeholder) + "\">" + form.substring(button);
    }

    static String badge(String text, String cls) {
        return "<span class=\"badge " + cls + "\">" + Html.esc(text) + "</span>";
    }

    static String unavailable(String what) {
        return "<p class=\"notice warn\">" + Html.esc(what) + "</p>";
    }
}
