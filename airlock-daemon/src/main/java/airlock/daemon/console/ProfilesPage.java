package airlock.daemon.console;

import java.util.Map;

/** Each profile's commands, mounts, secrets and expiry; revoke, lock and rotate. */
record ProfilesPage(ConsoleBackend backend) {
    Response get(Request r) {
        return page(r, null, null);
    }

    Response post(Request r) {
        String name = r.form().get("profile", "");
        Outcome o = switch (r.path()) {
            case "/profiles/revoke" -> backend.profiles().revoke(name, r.form().get("reason", ""));
            case "/profiles/lock" -> backend.profiles().lock(name);
            case "/profiles/rotate" -> backend.profiles().rotate(name);
            default -> new Outcome.Refused("airlock: console: no such action");
        };
        return page(r, o, o instanceof Outcome.KeyIssued k ? k : null);
    }

    private Response page(Request r, Outcome notice, Outcome.KeyIssued key) {
        StringBuilder b = new StringBuilder();
        if (key != null) {
            // shown in this one response (Cache-Control: no-store) and never again; console.js drops it from the DOM on close
            b.append("<dialog open class=\"key\" id=\"key-dialog\"><h2>The profile's key</h2><p>Copy it now: it is not shown again.</p>")
                    .append("<pre id=\"key-value\">").append(Html.esc(key.key())).append("</pre>")
                    .append("<button type=\"button\" data-close-dialog=\"key-dialog\">I have copied it</button></dialog>");
        }
        for (Profiles.View p : backend.profiles().list()) {
            String n = p.name();
            b.append("<section class=\"card\" id=\"p-").append(Html.esc(n)).append("\"><h2>").append(Html.esc(n)).append(' ')
                    .append(state(p)).append("</h2><dl>")
                    .append("<dt>State</dt><dd class=\"detail\">").append(Html.esc(p.detail())).append("</dd>")
                    .append("<dt>Socket</dt><dd><code>").append(Html.esc(p.socket())).append("</code></dd>")
                    .append("<dt>Expires</dt><dd>").append(p.expires().map(t -> Html.esc(t.toString())).orElse("never")).append("</dd>")
                    .append("<dt>Commands</dt><dd>").append(p.commands().isEmpty() ? "every enabled command"
                            : String.join(" ", p.commands().stream().map(c -> "<code>" + Html.esc(c) + "</code>").toList())).append("</dd>")
                    .append("<dt>Secrets granted</dt><dd>").append(p.secrets().isEmpty() ? "none"
                            : String.join(" ", p.secrets().stream().map(c -> "<code>" + Html.esc(c) + "</code>").toList())).append("</dd>")
                    .append("</dl><table class=\"grid mounts\"><thead><tr><th>Container path</th><th>Host folder</th></tr></thead><tbody>");
            for (Map.Entry<String, String> m : new java.util.TreeMap<>(p.mounts()).entrySet()) {
                b.append("<tr><td><code>").append(Html.esc(m.getKey())).append("</code></td><td><code>").append(Html.esc(m.getValue()))
                        .append("</code></td></tr>");
            }
            if (p.mounts().isEmpty()) b.append("<tr><td colspan=\"2\">no mounts: no command can run</td></tr>");
            b.append("</tbody></table><div class=\"actions\">");
            if (p.state() == Profiles.State.REVOKED) {
                b.append("<p class=\"hint\">Nothing runs through it. To restore it, delete the <code>revoked</code> line of its file.</p>");
            } else {
                if (p.state() != Profiles.State.LOCKED) {
                    b.append(Layout.action(r.session(), "/profiles/lock", "Lock", "Lock profile " + n
                            + "? From now on its socket accepts only calls that carry the key shown next (once).", "", "profile", n));
                }
                b.append(Layout.action(r.session(), "/profiles/rotate", "Rotate", "Rotate profile " + n
                                + "? Its socket is replaced: containers that have the old one mounted lose access (and a locked profile gets a new key).",
                                "", "profile", n))
                        .append(Layout.actionWithReason(r.session(), "/profiles/revoke", "Revoke", "Revoke profile " + n
                                + "? Its socket goes away and its running commands stop (deleting the 'revoked' line of its file restores it).",
                                "danger", "reason (the agent sees it)", "profile", n));
            }
            b.append("</div></section>");
        }
        return Response.html(Layout.page("Profiles", "/profiles", r.session(), notice, b.toString()));
    }

    static String state(Profiles.View p) {
        String s = p.state().name().toLowerCase();
        return Layout.badge(s, "state-" + s);
    }
}
