package airlock.daemon.checks.gh;

import airlock.daemon.checks.CheckInput;
import airlock.daemon.checks.Checked;
import airlock.daemon.checks.HostPaths;
import airlock.daemon.checks.ToolCheck;
import airlock.rules.Decision;

import java.util.ArrayList;
import java.util.List;

/**
 * gh: the git it runs on the host ({@link GhGit}), and host paths in its arguments: {@code -F
 * key=@/path}, {@code @/path}, values glued to a flag ({@code --dir=/x}, {@code -D/x}) and
 * absolute or parent-relative positionals (a detached flag value lands there too), except the
 * API path of {@code gh api /repos/...}.
 */
public final class GhCheck implements ToolCheck {
    @Override
    public String name() { return "gh"; }

    @Override
    public Checked check(CheckInput in) {
        Decision git = GhGit.check(in.args(), in.cwd(), in.mounts(), in.env());
        if (!git.allowed()) return Checked.of(git);
        return Checked.of(HostPaths.insideMounts("gh", candidates(in.args()), in));
    }

    static List<String> candidates(List<String> args) {
        List<String> out = new ArrayList<>();
        List<String> positional = new ArrayList<>();
        boolean dashDash = false;
        for (String a : args) {
            if (!dashDash && a.equals("--")) { dashDash = true; continue; }
            String value = !dashDash && a.startsWith("-") && a.contains("=") ? a.substring(a.indexOf('=') + 1) : a;
            if (!dashDash && !a.startsWith("-")) positional.add(a);
            int at = value.indexOf("=@");
            if (at >= 0) out.add(value.substring(at + 2));
            else if (value.startsWith("@")) out.add(value.substring(1));
            else if (!dashDash && a.startsWith("-")) {
                // gh reads and writes files through many flags (run/release download,
                // --notes-file, --env-file, gist edit --add); detached values are positionals
                String glued = a.contains("=") ? value : !a.startsWith("--") && a.length() > 2 ? a.substring(2) : "";
                if (glued.startsWith("/") || glued.startsWith("../")) out.add(glued);
            }
        }
        for (int i = 0; i < positional.size(); i++) {
            String p = positional.get(i);
            boolean apiPath = i > 0 && positional.get(i - 1).equals("api");
            if (!apiPath && (p.startsWith("/") || p.startsWith("../"))) out.add(p);
        }
        return out;
    }
}
