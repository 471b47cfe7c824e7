package airlock.daemon.console;

/**
 * Requests waiting for a person, shown exactly as the host would run them. A decision carries
 * the request's binding (what this page showed) and is recorded as the console session's.
 */
record ApprovalsPage(ConsoleBackend backend) {
    private static final long UID = new com.sun.security.auth.module.UnixSystem().getUid();

    Response get(Request r) {
        return page(r, null);
    }

    Response post(Request r) {
        String id = r.form().get("id", "");
        String binding = r.form().get("binding", "");
        String by = by(r.session());
        Outcome o = r.path().equals("/approvals/approve") ? backend.approvals().approve(id, binding, by)
                : backend.approvals().deny(id, binding, by, r.form().get("reason", ""));
        return page(r, o);
    }

    /** Only the daemon's own user can mint a login link, so the session stands for that user. */
    static String by(ConsoleSessions.Session s) {
        return "console (uid " + UID + ", session " + s.number() + ")";
    }

    private static String seconds(java.time.Instant t) {
        return t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    private Response page(Request r, Outcome notice) {
        // the request id is the one the agent was told ("waiting for approval on the host (request ID)"),
        // so a person can match the row to what the agent reported
        StringBuilder b = new StringBuilder("<div class=\"scroll\"><table class=\"grid\" id=\"approvals\"><thead><tr><th>Request</th><th>Since</th><th>Profile</th>")
                .append("<th>Container</th><th>cwd</th><th>argv (each argument on its own)</th><th>Rule</th><th></th></tr></thead><tbody>");
        var list = backend.approvals().waiting();
        for (Approvals.Waiting w : list) {
            b.append("<tr data-id=\"").append(Html.esc(w.id())).append("\"><td><code class=\"request\">").append(Html.esc(w.id()))
                    .append("</code></td><td>").append(Html.esc(seconds(w.since())))
                    .append("<br><small>until ").append(Html.esc(seconds(w.deadline()))).append("</small>")
                    .append("</td><td>").append(Html.esc(w.profile())).append("</td><td><code>")
                    .append(w.container().isEmpty() ? "(host)" : Html.esc(w.container()))
                    .append("</code></td><td><code class=\"cwd\">").append(Html.esc(w.cwd())).append("</code></td><td><ol class=\"argv\">");
            for (String a : w.argv()) b.append("<li><code>").append(Html.esc(a)).append("</code></li>");
            b.append("</ol></td><td><code>").append(Html.esc(w.rule())).append("</code></td><td class=\"decide\">")
                    .append(Layout.action(r.session(), "/approvals/approve", "Approve", null, "ok", "id", w.id(), "binding", w.binding()))
                    .append(Layout.actionWithReason(r.session(), "/approvals/deny", "Deny", null, "danger", "reason (the agent sees it)",
                            "id", w.id(), "binding", w.binding()))
                    .append("</td></tr>");
        }
        if (list.isEmpty()) b.append("<tr><td colspan=\"8\">Nothing is waiting.</td></tr>");
        // the page follows the audit feed and reloads for an approval record newer than what it shows
        long shown = backend.activity().recent(1).stream().mapToLong(AuditEntry::seq).findFirst().orElse(0);
        b.append("</tbody></table></div><p class=\"hint\">A request waits until someone decides here or with <code>airlock approve ID</code>, ")
                .append("until its time is up, or until its profile is revoked. New requests appear by themselves (unless you are ")
                .append("typing a reason). <span class=\"live\" id=\"approvals-live\" data-feed=\"/activity/feed\" data-after=\"")
                .append(shown).append("\">live: connecting</span></p>");
        return Response.html(Layout.page("Approvals", "/approvals", r.session(), notice, b.toString()));
    }
}
