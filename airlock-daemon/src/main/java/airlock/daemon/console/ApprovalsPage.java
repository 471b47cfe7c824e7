package airlock.daemon.console;

/** Requests waiting for a person, shown exactly as the host would run them. */
record ApprovalsPage(ConsoleBackend backend) {
    Response get(Request r) {
        return page(r, null);
    }

    Response post(Request r) {
        String id = r.form().get("id", "");
        Outcome o = r.path().equals("/approvals/approve") ? backend.approvals().approve(id) : backend.approvals().deny(id);
        return page(r, o);
    }

    private Response page(Request r, Outcome notice) {
        StringBuilder b = new StringBuilder("<table class=\"grid\" id=\"approvals\"><thead><tr><th>Since</th><th>Profile</th>")
                .append("<th>Container</th><th>cwd</th><th>argv (each argument on its own)</th><th></th></tr></thead><tbody>");
        var list = backend.approvals().waiting();
        for (Approvals.Waiting w : list) {
            b.append("<tr data-id=\"").append(Html.esc(w.id())).append("\"><td>").append(Html.esc(w.since().toString()))
                    .append("</td><td>").append(Html.esc(w.profile())).append("</td><td><code>").append(Html.esc(w.container()))
                    .append("</code></td><td><code>").append(Html.esc(w.cwd())).append("</code></td><td><ol class=\"argv\">");
            for (String a : w.argv()) b.append("<li><code>").append(Html.esc(a)).append("</code></li>");
            b.append("</ol></td><td class=\"decide\">")
                    .append(Layout.action(r.session(), "/approvals/approve", "Approve", null, "ok", "id", w.id()))
                    .append(Layout.action(r.session(), "/approvals/deny", "Deny", null, "danger", "id", w.id()))
                    .append("</td></tr>");
        }
        if (list.isEmpty()) b.append("<tr><td colspan=\"6\">Nothing is waiting.</td></tr>");
        b.append("</tbody></table>");
        return Response.html(Layout.page("Approvals", "/approvals", r.session(), notice, b.toString()));
    }
}
