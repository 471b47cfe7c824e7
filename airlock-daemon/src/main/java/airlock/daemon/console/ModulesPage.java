package airlock.daemon.console;

import java.util.List;

/** The effective module of each command and where it comes from; a dry run through every layer. */
record ModulesPage(ConsoleBackend backend) {
    Response get(Request r) {
        return page(r, r.query().get("command", ""), null, "", "", "");
    }

    Response post(Request r) {
        String profile = r.form().get("profile", "");
        String command = r.form().get("command", "");
        String args = r.form().get("args", "");
        String cwd = r.form().get("cwd", "");
        List<String> words = Words.split(args);
        Modules.Trace t = words == null ? null : backend.modules().dryRun(profile, command, words, cwd);
        Outcome notice = words == null ? new Outcome.Refused("airlock: console: the arguments have an unclosed quote") : null;
        return Response.html(render(r, command, t, profile, args, cwd, notice));
    }

    private Response page(Request r, String command, Modules.Trace t, String profile, String args, String cwd) {
        return Response.html(render(r, command, t, profile, args, cwd, null));
    }

    private String render(Request r, String selected, Modules.Trace trace, String profile, String args, String cwd, Outcome notice) {
        List<Modules.View> modules = backend.modules().list();
        if (selected.isEmpty() && !modules.isEmpty()) selected = modules.getFirst().command();
        StringBuilder b = new StringBuilder("<div class=\"split\"><nav class=\"modules\"><ul>");
        for (Modules.View m : modules) {
            b.append("<li><a href=\"/modules?command=").append(Html.esc(m.command())).append('"')
                    .append(m.command().equals(selected) ? " aria-current=\"page\"" : "").append('>').append(Html.esc(m.command()))
                    .append("</a> <small>").append(Html.esc(m.source())).append("</small></li>");
        }
        b.append("</ul></nav><div>");
        for (Modules.View m : modules) {
            if (!m.command().equals(selected)) continue;
            b.append("<h2>").append(Html.esc(m.command())).append("</h2><p>Source <code>").append(Html.esc(m.source()))
                    .append("</code>, sha256 <code>").append(Html.esc(m.sha256())).append("</code></p><pre class=\"toml\">")
                    .append(Html.esc(m.toml())).append("</pre>");
        }
        b.append("<h2>Dry run</h2><form method=\"post\" action=\"/modules/dry-run\" class=\"stack\" id=\"dry-run\">")
                .append(Layout.csrf(r.session())).append("<label>Profile <select name=\"profile\">");
        for (Profiles.View p : backend.profiles().list()) {
            b.append("<option").append(p.name().equals(profile) ? " selected" : "").append('>').append(Html.esc(p.name())).append("</option>");
        }
        b.append("</select></label><label>Command <select name=\"command\">");
        for (Modules.View m : modules) {
            b.append("<option").append(m.command().equals(selected) ? " selected" : "").append('>').append(Html.esc(m.command())).append("</option>");
        }
        b.append("</select></label><label>Arguments <input name=\"args\" value=\"").append(Html.esc(args))
                .append("\" placeholder=\"push --force origin main\"></label><label>cwd (container) <input name=\"cwd\" value=\"")
                .append(Html.esc(cwd)).append("\" placeholder=\"the profile's first mount\"></label>")
                .append("<button type=\"submit\">Dry run</button></form>");
        if (trace != null) {
            b.append("<div class=\"scroll\"><table class=\"grid trace\" id=\"trace\"><thead><tr><th>Layer</th><th>Verdict</th><th>Detail</th></tr></thead><tbody>");
            for (Modules.TraceLine l : trace.lines()) {
                String v = l.allowed() == null ? "-" : l.allowed() ? "allowed" : "REFUSED";
                b.append("<tr><td>").append(Html.esc(l.layer())).append("</td><td>")
                        .append(Layout.badge(v, l.allowed() == null ? "" : l.allowed() ? "o-allowed" : "o-refused"))
                        .append("</td><td>").append(Html.esc(l.detail())).append("</td></tr>");
            }
            b.append("</tbody></table></div><p class=\"verdict ").append(trace.allowed() ? "ok" : "bad").append("\">verdict: ")
                    .append(Html.esc(trace.verdict())).append("</p>");
        }
        b.append("</div></div>");
        return Layout.page("Modules", "/modules", r.session(), notice, b.toString());
    }
}
