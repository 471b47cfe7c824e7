package airlock.daemon.console;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The audit log: newest first, filtered; live rows arrive through {@link LiveFeed}; a row opens its record. */
record ActivityPage(ConsoleBackend backend) {
    static final int ROWS = 200;
    static final int SCAN = 5000;

    Response get(Request r) {
        String profile = r.query().get("profile", "");
        String command = r.query().get("command", "");
        String outcome = r.query().get("outcome", "");
        List<AuditEntry> all = backend.activity().recent(SCAN);
        Activity.ChainStatus chain = backend.activity().verify();
        StringBuilder b = new StringBuilder(chain(chain));
        b.append(paused(backend.activity().paused()));
        Set<String> profiles = new TreeSet<>();
        backend.profiles().list().forEach(p -> profiles.add(p.name()));
        all.forEach(e -> { if (!e.profile().isEmpty()) profiles.add(e.profile()); });
        b.append("<form method=\"get\" action=\"/activity\" class=\"filters\" id=\"filters\"><label>Profile <select name=\"profile\">")
                .append(option("", "any", profile));
        for (String p : profiles) b.append(option(p, p, profile));
        b.append("</select></label><label>Command <input name=\"command\" value=\"").append(Html.esc(command))
                .append("\" maxlength=\"64\"></label><label>Outcome <select name=\"outcome\">").append(option("", "any", outcome))
                .append(option("allowed", "allowed", outcome)).append(option("refused", "refused", outcome))
                .append(option("failed", "failed", outcome)).append(option("event", "daemon events", outcome))
                .append("</select></label><button type=\"submit\">Filter</button>")
                .append("<span class=\"live\" id=\"live\" data-feed=\"/activity/feed\">live: connecting</span></form>");
        b.append("<table class=\"grid activity\"><thead><tr><th>seq</th><th>Time</th><th>Profile</th><th>Command line</th>")
                .append("<th>Outcome</th><th>Layer</th><th>Exit</th><th>ms</th></tr></thead><tbody id=\"rows\">");
        int shown = 0;
        for (AuditEntry e : all) {
            if (shown >= ROWS) break;
            if (!matches(e, profile, command, outcome)) continue;
            b.append(row(e));
            shown++;
        }
        b.append("</tbody></table>");
        if (shown == 0) b.append("<p id=\"no-rows\">No records match.</p>");
        return Response.html(Layout.page("Activity", "/activity", r.session(), null, b.toString()));
    }

    Response record(Request r) {
        long seq;
        try {
            seq = Long.parseLong(r.query().get("seq", ""));
        } catch (NumberFormatException e) {
            return Response.html(404, Layout.page("Record", "/activity", r.session(), new Outcome.Refused("airlock: console: no such record"), ""));
        }
        var e = backend.activity().record(seq);
        if (e.isEmpty()) {
            return Response.html(404, Layout.page("Record " + seq, "/activity", r.session(),
                    new Outcome.Refused("airlock: console: record " + seq + " is not on disk (rotated away?)"), ""));
        }
        StringBuilder b = new StringBuilder("<p><a href=\"/activity\">← back to the log</a></p><table class=\"grid record\"><tbody>");
        for (Map.Entry<String, JsonNode> f : e.get().json().properties()) {
            JsonNode v = f.getValue();
            b.append("<tr><th>").append(Html.esc(f.getKey())).append("</th><td>");
            if (v.isArray()) {
                b.append("<ol class=\"argv\">");
                v.forEach(a -> b.append("<li><code>").append(Html.esc(a.isTextual() ? a.asText() : a.toString())).append("</code></li>"));
                b.append("</ol>");
            } else if (v.isObject()) {
                b.append("<code>").append(Html.esc(v.toString())).append("</code>");
            } else {
                b.append(v.isNull() ? "<span class=\"none\">—</span>" : "<code>" + Html.esc(v.asText()) + "</code>");
            }
            b.append("</td></tr>");
        }
        b.append("</tbody></table>");
        return Response.html(Layout.page("Record " + seq, "/activity", r.session(), null, b.toString()));
    }

    /**
     * The runs paused now for an agent's answer: who, which pause, until when. Not the prompt: it
     * is the agent's to read (redacted), and the audit log keeps its size only.
     */
    static String paused(List<airlock.daemon.runs.Run.View> runs) {
        if (runs.isEmpty()) return "";
        StringBuilder b = new StringBuilder("<h2>Paused runs</h2><p>Scripts waiting for their agent's answer (llm.complete);"
                + " the agent answers with <code>airlock respond RUN_ID</code> or the API. Revoking the profile ends them.</p>"
                + "<table class=\"grid paused\" id=\"paused\"><thead><tr><th>Run</th><th>Profile</th><th>Command line</th>"
                + "<th>Pause</th><th>Since</th><th>Until</th></tr></thead><tbody>");
        for (airlock.daemon.runs.Run.View v : runs) {
            var w = v.waiting().orElseThrow();
            b.append("<tr><td><code>").append(Html.esc(v.id())).append("</code></td><td>").append(Html.esc(v.profile()))
                    .append(v.keyId().isEmpty() ? "" : "<br><small class=\"via\">via https key " + Html.esc(v.keyId()) + "</small>")
                    .append("</td><td><code>").append(Html.esc(Html.argv(prepend(v.command(), v.args())))).append("</code></td><td>")
                    .append(w.seq()).append("</td><td>").append(Html.esc(w.since().toString())).append("</td><td>")
                    .append(Html.esc(w.deadline().toString())).append("</td></tr>");
        }
        return b.append("</tbody></table><h2>Log</h2>").toString();
    }

    static boolean matches(AuditEntry e, String profile, String command, String outcome) {
        return (profile.isEmpty() || e.profile().equals(profile)) && (command.isEmpty() || e.command().equals(command))
                && (outcome.isEmpty() || e.outcome().equals(outcome));
    }

    static String row(AuditEntry e) {
        String line = e.type().equals("request") ? Html.argv(prepend(e.command(), e.args())) : e.type() + ": " + e.reason()
                + e.json().path("detail").asText("");
        return "<tr class=\"row-" + Html.esc(e.outcome()) + "\" data-seq=\"" + e.seq() + "\"><td><a href=\"/activity/record?seq=" + e.seq() + "\">" + e.seq()
                + "</a></td><td>" + Html.esc(e.time().map(Object::toString).orElse("")) + "</td><td>" + Html.esc(e.profile())
                + (e.via().isEmpty() ? "" : "<br><small class=\"via\">via " + Html.esc(e.via()) + "</small>")
                + "</td><td><code>" + Html.esc(line) + "</code></td><td>" + Layout.badge(e.outcome(), "o-" + e.outcome())
                + "</td><td>" + Html.esc(e.layer() + e.shadowNote()) + "</td><td>" + (e.exitStatus() == null ? "" : e.exitStatus())
                + "</td><td>" + e.durationMs() + "</td></tr>";
    }

    private static List<String> prepend(String head, List<String> tail) {
        var l = new java.util.ArrayList<String>(tail.size() + 1);
        l.add(head);
        l.addAll(tail);
        return l;
    }

    static String chain(Activity.ChainStatus c) {
        StringBuilder b = new StringBuilder("<section class=\"chain ").append(c.intact() ? "ok" : "bad").append("\" id=\"chain\">");
        if (c.intact()) {
            b.append("<strong>Audit log intact</strong>: ").append(c.records()).append(" record(s) in ").append(c.files()).append(" file(s)");
            if (c.records() > 0) b.append(", seq ").append(c.firstSeq()).append("..").append(c.firstSeq() + c.records() - 1);
            if (c.firstSeq() > 1) b.append("; records before seq ").append(c.firstSeq()).append(" were rotated away and cannot be checked");
        } else {
            b.append("<strong>The audit log chain is BROKEN</strong>: ").append(c.problems().size()).append(" problem(s)<ul>");
            c.problems().stream().limit(20).forEach(p -> b.append("<li><code>").append(Html.esc(p)).append("</code></li>"));
            b.append("</ul>");
        }
        return b.append("<br><span class=\"head\">head <code>").append(Html.esc(c.head()))
                .append("</code> (keep it elsewhere to detect removal of the newest records)</span></section>").toString();
    }

    private static String option(String value, String label, String selected) {
        return "<option value=\"" + Html.esc(value) + "\"" + (value.equals(selected) ? " selected" : "") + ">" + Html.esc(label) + "</option>";
    }
}
