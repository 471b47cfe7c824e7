package airlock.daemon.console;

import java.time.Clock;
import java.util.List;

/** Profiles at a glance: state, socket, the last hours of activity; what waits for a person. */
record OverviewPage(ConsoleBackend backend, Clock clock) {
    static final int CHART_RECORDS = 5000;

    Response get(Request r) {
        List<Profiles.View> profiles = backend.profiles().list();
        List<AuditEntry> recent = backend.activity().recent(CHART_RECORDS);
        StringBuilder b = new StringBuilder();
        int waiting = backend.approvals().waiting().size();
        long empty = backend.secrets().list().stream().filter(s -> !s.set()).count();
        Activity.ChainStatus chain = backend.activity().verify();
        b.append("<section class=\"summary\">")
                .append(tile("Profiles", Integer.toString(profiles.size()), "/profiles", ""))
                .append(tile("Waiting approvals", Integer.toString(waiting), "/approvals", waiting > 0 ? "warn" : ""))
                .append(tile("Empty secret slots", Long.toString(empty), "/secrets", empty > 0 ? "warn" : ""))
                .append(tile("Audit chain", chain.intact() ? "intact" : "BROKEN", "/activity", chain.intact() ? "ok" : "bad"))
                .append("</section>");
        b.append("<table class=\"grid\"><thead><tr><th>Profile</th><th>State</th><th>Socket</th><th>Last ")
                .append(ActivityChart.HOURS).append(" hours <span class=\"legend\"><i class=\"allowed\"></i>allowed ")
                .append("<i class=\"refused\"></i>refused <i class=\"failed\"></i>failed</span></th></tr></thead><tbody>");
        for (Profiles.View p : profiles) {
            b.append("<tr><td><a href=\"/profiles#p-").append(Html.esc(p.name())).append("\">").append(Html.esc(p.name()))
                    .append("</a></td><td>").append(ProfilesPage.state(p)).append("</td><td><code>").append(Html.esc(p.socket()))
                    .append("</code></td><td>").append(ActivityChart.svg(ActivityChart.counts(recent, p.name(), clock.instant())))
                    .append("</td></tr>");
        }
        if (profiles.isEmpty()) b.append("<tr><td colspan=\"4\">No profiles: add profiles/NAME.toml.</td></tr>");
        b.append("</tbody></table>");
        return Response.html(Layout.page("Overview", "/", r.session(), null, b.toString()));
    }

    private static String tile(String label, String value, String href, String cls) {
        return "<a class=\"tile " + cls + "\" href=\"" + href + "\"><span class=\"value\">" + Html.esc(value)
                + "</span><span class=\"label\">" + Html.esc(label) + "</span></a>";
    }
}
