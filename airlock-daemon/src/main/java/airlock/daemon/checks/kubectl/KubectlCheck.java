package airlock.daemon.checks.kubectl;

import airlock.daemon.checks.CheckInput;
import airlock.daemon.checks.Checked;
import airlock.daemon.checks.HostPaths;
import airlock.daemon.checks.ToolCheck;
import airlock.rules.Decision;

import java.util.ArrayList;
import java.util.List;

/**
 * kubectl: the resources a verb names ({@link KubectlResources}), and host paths a flag rule
 * cannot see: {@code --from-file=key=/path}, {@code -o go-template-file=/etc/shadow} (plain text
 * is a valid template, so the file is printed), {@code --template} with a file format,
 * {@code kustomize DIR} and the local side of {@code cp}.
 */
public final class KubectlCheck implements ToolCheck {
    @Override
    public String name() { return "kubectl"; }

    @Override
    public Checked check(CheckInput in) {
        Decision resources = KubectlResources.check(in.invocation());
        if (!resources.allowed()) return Checked.of(resources);
        return Checked.of(HostPaths.insideMounts("kubectl", candidates(in.args()), in));
    }

    static List<String> candidates(List<String> args) {
        List<String> out = new ArrayList<>();
        List<String> positional = new ArrayList<>();
        boolean dashDash = false;
        boolean templateFromFile = false;
        String template = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!dashDash && a.equals("--")) { dashDash = true; continue; }
            String value = !dashDash && a.startsWith("-") && a.contains("=") ? a.substring(a.indexOf('=') + 1) : a;
            if (!dashDash && !a.startsWith("-")) positional.add(a);
            if (a.startsWith("--from-file") || a.startsWith("--from-env-file")) {
                String v = a.contains("=") ? value : (i + 1 < args.size() ? args.get(++i) : "");
                out.add(v.contains("=") ? v.substring(v.indexOf('=') + 1) : v);
            } else if (!dashDash && (a.equals("-o") || a.equals("--output") || a.startsWith("-o") || a.startsWith("--output="))) {
                String v = a.equals("-o") || a.equals("--output") ? (i + 1 < args.size() ? args.get(++i) : "")
                        : a.startsWith("--output=") ? value : a.substring(a.startsWith("-o=") ? 3 : 2);
                int eq = v.indexOf('=');
                String format = eq < 0 ? v : v.substring(0, eq);
                if (format.endsWith("-file") || format.equals("templatefile")) {
                    templateFromFile = true;
                    if (eq >= 0) out.add(v.substring(eq + 1));
                }
            } else if (!dashDash && (a.equals("--template") || a.startsWith("--template="))) {
                template = a.equals("--template") ? (i + 1 < args.size() ? args.get(++i) : "") : value;
            }
        }
        if (templateFromFile && template != null) out.add(template);
        if (positional.indexOf("kustomize") == 0 && positional.size() > 1) {
            out.add(positional.get(1)); // kubectl kustomize DIR prints what it reads there
        }
        // kubectl takes its flags anywhere ('kubectl -n ns cp ...'): any positional cp counts
        int cp = positional.indexOf("cp");
        if (cp >= 0 && positional.size() >= cp + 3) {
            for (String p : positional.subList(cp + 1, positional.size())) {
                // POD:path is the pod's side; an absolute or ./ path is local even with a colon
                if (!p.contains(":") || p.startsWith("/") || p.startsWith(".")) out.add(p);
            }
        }
        return out;
    }
}
