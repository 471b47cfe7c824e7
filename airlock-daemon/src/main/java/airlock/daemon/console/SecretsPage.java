package airlock.daemon.console;

import java.util.Arrays;

/**
 * The vault's slots. Write-only: the set form posts a value that the response never carries back
 * (the page is rendered fresh, the field is a password field with autocomplete off).
 */
record SecretsPage(ConsoleBackend backend) {
    Response get(Request r) {
        return page(r, null);
    }

    Response post(Request r) {
        String name = r.form().get("name", "").strip();
        Outcome o;
        if (r.path().equals("/secrets/set")) {
            char[] value = r.form().secret("value");
            try {
                o = value == null ? new Outcome.Refused("airlock: console: the value is not valid UTF-8")
                        : backend.secrets().set(name, value);
            } finally {
                if (value != null) Arrays.fill(value, '\0');
                r.form().wipe();
            }
        } else {
            o = backend.secrets().remove(name);
        }
        return page(r, o);
    }

    private Response page(Request r, Outcome notice) {
        StringBuilder b = new StringBuilder("<table class=\"grid\"><thead><tr><th>Name</th><th>Description</th><th>Value</th>")
                .append("<th>Requested by</th><th></th></tr></thead><tbody>");
        var list = backend.secrets().list();
        for (Secrets.View s : list) {
            b.append("<tr><td><code>").append(Html.esc(s.name())).append("</code></td><td>").append(Html.esc(s.description()))
                    .append("</td><td>").append(s.set() ? Layout.badge("set", "state-active") : Layout.badge("empty", "state-expiring"))
                    .append("</td><td>").append(s.requestedBy().isEmpty() ? "" : Html.esc(String.join(", ", s.requestedBy())))
                    .append("</td><td>")
                    .append(Layout.action(r.session(), "/secrets/remove", "Remove", "Remove secret " + s.name() + "?", "danger", "name", s.name()))
                    .append("</td></tr>");
        }
        if (list.isEmpty()) b.append("<tr><td colspan=\"5\">No secrets.</td></tr>");
        b.append("</tbody></table><h2>Set a value</h2>")
                .append("<form method=\"post\" action=\"/secrets/set\" class=\"stack\" autocomplete=\"off\" id=\"secret-form\">")
                .append(Layout.csrf(r.session()))
                .append("<label>Name <input name=\"name\" required maxlength=\"128\" pattern=\"[A-Za-z0-9_.\\-]+\" list=\"slots\"></label>")
                .append("<datalist id=\"slots\">");
        for (Secrets.View s : list) b.append("<option value=\"").append(Html.esc(s.name())).append("\">");
        b.append("</datalist><label>Value <input name=\"value\" type=\"password\" required autocomplete=\"new-password\" ")
                .append("spellcheck=\"false\"></label><p class=\"hint\">The value is sent once and never shown again, here or anywhere.</p>")
                .append("<button type=\"submit\">Set</button></form>");
        return Response.html(Layout.page("Secrets", "/secrets", r.session(), notice, b.toString()));
    }
}
