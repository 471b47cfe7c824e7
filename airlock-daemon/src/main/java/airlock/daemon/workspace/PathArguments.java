package airlock.daemon.workspace;

import airlock.daemon.PathMapper;
import airlock.rules.Decision;
import airlock.rules.Layer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Host paths hidden where a flag rule cannot see them: aws's {@code file://} and {@code fileb://}
 * parameter values (they upload a host file: {@code --body file:///home/me/.aws/credentials}),
 * gh's {@code -F key=@/path}, kubectl's {@code --from-file=key=/path} and {@code cp}'s local side,
 * docker's build context, {@code cp} local side and {@code -o dest=/path}. Each must resolve
 * inside the profile's mounts, as the host tool will read it.
 */
public final class PathArguments {
    private PathArguments() {}

    private static final String HOME = System.getProperty("user.home");
    private static final String USER = System.getProperty("user.name");

    /** docker's options before the subcommand that take a value. */
    private static final Set<String> DOCKER_GLOBAL_VALUE = Set.of("-c", "--context", "-H", "--host", "--config", "-l",
            "--log-level", "--tlscacert", "--tlscert", "--tlskey");

    public static Decision check(String tool, List<String> args, Path cwd, PathMapper mounts) {
        List<String> command = args;
        if (tool.equals("docker")) {
            int i = 0;
            for (; i < args.size() && args.get(i).startsWith("-"); i++) {
                String a = args.get(i);
                if (a.equals("-c") || a.startsWith("-c=") || (a.startsWith("-c") && !a.startsWith("--"))) {
                    return Decision.deny(Layer.MODULE, "-c", "docker -c (--context) before the subcommand picks another engine");
                }
                if (DOCKER_GLOBAL_VALUE.contains(a)) i++;
            }
            // from the subcommand on: 'docker --log-level debug cp ...' is still cp
            command = args.subList(Math.min(i, args.size()), args.size());
        }
        for (String p : candidates(tool, command)) {
            if (mounts.confine(p, cwd).isEmpty()) {
                return Decision.deny(Layer.MOUNTS, p, tool + " would read or write " + p + ", outside the profile's [mounts]");
            }
        }
        return Decision.allow(List.of());
    }

    static List<String> candidates(String tool, List<String> args) {
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
            switch (tool) {
                case "aws" -> {
                    String local = awsExpanded(value.startsWith("file://") ? value.substring(7)
                            : value.startsWith("fileb://") ? value.substring(8) : value);
                    // any value with a slash that is not a URL: relative ones resolve inside the
                    // mounts and pass (an ARN or an S3 key too); x/../../etc/passwd does not
                    if (local.contains("/") && !local.contains("://")) out.add(local);
                }
                case "gh" -> {
                    int at = value.indexOf("=@");
                    if (at >= 0) out.add(value.substring(at + 2));
                    else if (value.startsWith("@")) out.add(value.substring(1));
                    else if (!dashDash && a.startsWith("-")) {
                        // a value glued to its flag (--dir=/x, -D/x, --output=~/.bashrc): gh reads
                        // and writes files through many flags (run/release download, --notes-file,
                        // --env-file, gist edit --add); detached values are checked as positionals
                        String glued = a.contains("=") ? value : !a.startsWith("--") && a.length() > 2 ? a.substring(2) : "";
                        if (glued.startsWith("/") || glued.startsWith("../")) out.add(glued);
                    }
                }
                case "kubectl" -> {
                    if (a.startsWith("--from-file") || a.startsWith("--from-env-file")) {
                        String v = a.contains("=") ? value : (i + 1 < args.size() ? args.get(++i) : "");
                        out.add(v.contains("=") ? v.substring(v.indexOf('=') + 1) : v);
                    } else if (!dashDash && (a.equals("-o") || a.equals("--output") || a.startsWith("-o") || a.startsWith("--output="))) {
                        // -o go-template-file=/etc/shadow prints the file: plain text is a valid template
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
                case "docker" -> {
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
                default -> { }
            }
        }
        if (tool.equals("gh") && !positional.isEmpty()) {
            // gh api /repos/... names an API path, not a file; a detached flag value (-D /x) is here too
            for (int i = 0; i < positional.size(); i++) {
                String p = positional.get(i);
                boolean apiPath = i > 0 && positional.get(i - 1).equals("api");
                if (!apiPath && (p.startsWith("/") || p.startsWith("../"))) out.add(p);
            }
        }
        if (templateFromFile && template != null) out.add(template);
        if (tool.equals("kubectl") && positional.indexOf("kustomize") == 0 && positional.size() > 1) {
            out.add(positional.get(1)); // kubectl kustomize DIR prints what it reads there
        }
        // kubectl takes its flags anywhere ('kubectl -n ns cp ...'): any positional cp counts
        int cp = tool.equals("docker") ? dockerSubcommand(positional, "cp") : positional.indexOf("cp");
        if (tool.equals("kubectl") || tool.equals("docker")) {
            if (cp >= 0 && positional.size() >= cp + 3) {
                for (String p : positional.subList(cp + 1, positional.size())) {
                    // docker reads an absolute or ./ path as local even with a colon in it; else
                    // NAME:path is the container's (the pod's, for kubectl)
                    if (!p.contains(":") || p.startsWith("/") || p.startsWith(".")) out.add(p);
                }
            }
        }
        if (tool.equals("docker") && dockerSubcommand(positional, "load") >= 0) {
            for (int i = 0; i + 1 < args.size(); i++) {
                if (args.get(i).equals("-i") || args.get(i).equals("--input")) out.add(args.get(i + 1));
                else if (args.get(i).startsWith("--input=")) out.add(args.get(i).substring("--input=".length()));
            }
        }
        int importAt = tool.equals("docker") ? dockerSubcommand(positional, "import") : -1;
        if (importAt >= 0 && positional.size() > importAt + 1) {
            // docker import FILE: a host tarball becomes an image the agent can read
            String source = positional.get(importAt + 1);
            if (!source.equals("-") && !source.contains("://")) out.add(source);
        }
        if (tool.equals("docker")) {
            // docker build CONTEXT, image build, buildx build: the context folder is sent to the engine
            int b = positional.indexOf("build");
            if (b == 0 || b == 1) {
                for (String ctx : positional.subList(b + 1, positional.size())) {
                    if (!ctx.equals("-") && !ctx.contains("://") && !ctx.startsWith("git@")) out.add(ctx);
                }
            }
        }
        return out;
    }

    /**
     * A path as aws opens it: its parameter files go through Python's expanduser and expandvars
     * ({@code file://$HOME/.aws/credentials}, {@code fileb://~/.ssh/id_rsa}). The tool's HOME and
     * USER are the daemon's; other variables are left as written, as expandvars leaves unknown ones.
     */
    private static String awsExpanded(String path) {
        String p = path.replace("${HOME}", HOME).replace("$HOME", HOME)
                .replace("${USER}", USER).replace("$USER", USER);
        return p.startsWith("~") ? HOME + p.substring(1) : p;
    }

    /** Where docker's {@code name} stands: first, or second after a management command (container cp, image load). */
    private static int dockerSubcommand(List<String> positional, String name) {
        if (!positional.isEmpty() && positional.get(0).equals(name)) return 0;
        if (positional.size() > 1 && Set.of("container", "image").contains(positional.get(0))
                && positional.get(1).equals(name)) return 1;
        return -1;
    }
}
