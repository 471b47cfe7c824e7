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
                String description = r.form().get("description", "").replaceAll("\\p{Cntrl}", " ").strip();
                o = value == null ? new Outcome.Refused("airlock: console: the value is not valid UTF-8 (nothing was stored)")
                        : value.length == 0 ? new Outcome.Refused("airlock: console: no value given for '" + name + "' (nothing was stored)")
                        : description.length() > 500 ? new Outcome.Refused("airlock: console: a description of at most 500 characters, please")
                        : backend.secrets().set(name, value, description.isEmpty() ? null : description);
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
        StringBuilder b = new StringBuilder("<table class=\"grid\" id=\"secrets\"><thead><tr><th>Name</th><th>Description</th><th>Value</th>")
                .append("<th>Requested by</th><th>Used by</th><th>Changed</th><th></th></tr></thead><tbody>");
        var list = backend.secrets().list();
        for (Secrets.View s : list) {
            b.append("<tr data-name=\"").append(Html.esc(s.name())).append("\"><td><code>").append(Html.esc(s.name()))
                    .append("</code></td><td>").append(Html.esc(s.description())).append("</td><td>").append(state(s))
                    .append("</td><td class=\"requested\">").append(s.requestedBy().map(p -> "agent of " + Html.esc(p)).orElse(""))
                    .append("</td><td class=\"used\">").append(Html.esc(String.join(", ", s.usedBy())))
                    .append("</td><td>").append(s.changed().map(t -> Html.esc(t.toString())).orElse(""))
                    .append("</td><td>");
            if (s.state() != Secrets.State.MISSING) {
                b.append(Layout.action(r.session(), "/secrets/remove", "Remove", "Remove secret " + s.name() + "?"
                        + (s.usedBy().isEmpty() ? "" : " Profiles " + String.join(", ", s.usedBy()) + " still name it."), "danger", "name", s.name()));
            }
            b.append("</td></tr>");
        }
        if (list.isEmpty()) b.append("<tr><td colspan=\"7\">No secrets.</td></tr>");
        b.append("</tbody></table><h2>Set a value</h2>")
                .append("<form method=\"post\" action=\"/secrets/set\" class=\"stack\" autocomplete=\"off\" id=\"secret-form\">")
                .append(Layout.csrf(r.session()))
                .append("<label>Name <input name=\"name\" required maxlength=\"128\" pattern=\"[A-Za-z_][A-Za-z0-9_]*\" list=\"slots\"></label>")
                .append("<datalist id=\"slots\">");
        for (Secrets.View s : list) b.append("<option value=\"").append(Html.esc(s.name())).append("\">");
        b.append("</datalist><label>Value <input name=\"value\" type=\"password\" required minlength=\"8\" autocomplete=\"new-password\" ")
                .append("spellcheck=\"false\"></label>")
                .append("<label>Description <input name=\"description\" maxlength=\"500\" placeholder=\"kept when empty\"></label>")
                .append("<p class=\"hint\">The value is sent once, sealed in the vault and never shown again, here or anywhere. ")
                .append("Grant it to a profile in its file (<code>[secrets.CMD] env = { VAR = \"NAME\" }</code>).</p>")
                .append("<button type=\"submit\">Set</button></form>");
        return Response.html(Layout.page("Secrets", "/secrets", r.session(), notice, b.toString()));
    }

    private static String state(Secrets.View s) {
        return switch (s.state()) {
            case SET -> Layout.badge("set", "state-active");
            case EMPTY -> Layout.badge("empty", "state-expiring");
            case MISSING -> Layout.badge("missing", "state-expiring");
            case DAMAGED -> Layout.badge("damaged: set it again", "state-revoked");
        };
    }
}
