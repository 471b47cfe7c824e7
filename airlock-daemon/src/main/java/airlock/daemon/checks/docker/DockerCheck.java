package airlock.daemon.checks.docker;

import airlock.daemon.checks.CheckInput;
import airlock.daemon.checks.Checked;
import airlock.daemon.checks.HostPaths;
import airlock.daemon.checks.ToolCheck;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * docker: {@code -c} before the subcommand (another engine), and host paths a flag rule cannot
 * see: the build context, {@code cp}'s local side, {@code load -i}, {@code import FILE} and
 * {@code -o dest=/path}. docker's own options before the subcommand are skipped with the docker
 * module's {@code [flags]} ({@code docker --log-level debug cp ...} is still cp).
 */
public final class DockerCheck implements ToolCheck {
    @Override
    public String name() { return "docker"; }

    @Override
    public Checked check(CheckInput in) {
        List<String> args = in.args();
        int i = 0;
        for (; i < args.size() && args.get(i).startsWith("-"); i++) {
            String a = args.get(i);
            if (a.equals("-c") || a.startsWith("-c=") || (a.startsWith("-c") && !a.startsWith("--"))) {
                return Checked.of(CheckInput.refuse("docker", "context", "docker -c (--context) before the subcommand picks another engine"));
            }
            if (!a.contains("=") && in.takesValue(a)) i++;
        }
        return Checked.of(HostPaths.insideMounts("docker", candidates(args.subList(Math.min(i, args.size()), args.size())), in));
    }

    static List<String> candidates(List<String> args) {
        List<String> out = new ArrayList<>();
        List<String> positional = new ArrayList<>();
        boolean dashDash = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!dashDash && a.equals("--")) { dashDash = true; continue; }
            String value = !dashDash && a.startsWith("-") && a.contains("=") ? a.substring(a.indexOf('=') + 1) : a;
            if (!dashDash && !a.startsWith("-")) positional.add(a);
            if (!dashDash && (a.equals("-o") || a.equals("--output")) && i + 1 < args.size()) value = args.get(++i);
            else if (!(a.startsWith("-o") || a.startsWith("--output="))) continue;
            else if (a.startsWith("-o") && !a.startsWith("--")) value = a.substring(2);
            int dest = value.indexOf("dest=");
            if (dest >= 0) {
                String d = value.substring(dest + 5);
                out.add(d.contains(",") ? d.substring(0, d.indexOf(',')) : d);
            } else if (!value.contains("type=") && !value.equals("-")) {
                out.add(value);
            }
        }
        int cp = subcommand(positional, "cp");
        if (cp >= 0 && positional.size() >= cp + 3) {
            for (String p : positional.subList(cp + 1, positional.size())) {
                // docker reads an absolute or ./ path as local even with a colon in it; else
                // NAME:path is the container's
                if (!p.contains(":") || p.startsWith("/") || p.startsWith(".")) out.add(p);
            }
        }
        if (subcommand(positional, "load") >= 0) {
            for (int i = 0; i + 1 < args.size(); i++) {
                if (args.get(i).equals("-i") || args.get(i).equals("--input")) out.add(args.get(i + 1));
                else if (args.get(i).startsWith("--input=")) out.add(args.get(i).substring("--input=".length()));
            }
        }
        int importAt = subcommand(positional, "import");
        if (importAt >= 0 && positional.size() > importAt + 1) {
            // docker import FILE: a host tarball becomes an image the agent can read
            String source = positional.get(importAt + 1);
            if (!source.equals("-") && !source.contains("://")) out.add(source);
        }
        // docker build CONTEXT, image build, buildx build: the context folder is sent to the engine
        int b = positional.indexOf("build");
        if (b == 0 || b == 1) {
            for (String ctx : positional.subList(b + 1, positional.size())) {
                if (!ctx.equals("-") && !ctx.contains("://") && !ctx.startsWith("git@")) out.add(ctx);
            }
        }
        return out;
    }

    /** Where {@code name} stands: first, or second after a management command (container cp, image load). */
    private static int subcommand(List<String> positional, String name) {
        if (!positional.isEmpty() && positional.get(0).equals(name)) return 0;
        if (positional.size() > 1 && Set.of("container", "image").contains(positional.get(0))
                && positional.get(1).equals(name)) return 1;
        return -1;
    }
}
