package airlock.daemon.checks.terraform;

import airlock.daemon.core.PathMapper;
import airlock.daemon.checks.CheckInput;
import airlock.rules.Decision;
import airlock.rules.Layer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Terraform runs whatever its configuration names: a {@code data "external"} program during
 * plan, {@code local-exec} provisioners during apply, provider binaries from the workspace's
 * .terraform folder. The configuration is in the workspace, so this check reads it before
 * terraform starts and refuses the constructs that run a program on the host. It is a tripwire,
 * not a sandbox: see builtin-commands/terraform/SECURITY.md for what it cannot see.
 * It also refuses {@code apply PLANFILE}: a saved plan applies without asking anyone.
 */
public final class TerraformWorkspace {
    private TerraformWorkspace() {}

    private static final int MAX_FILES = 2_000;
    private static final long MAX_BYTES = 4L << 20;

    /** Host-running constructs, matched in HCL and JSON syntax, quoted or not. */
    private static final Pattern RUNS = Pattern.compile(
            "(local-exec|\"external\"|\\bexternal\\s*=|provisioner\\s*\"?file|terraform-provider-external|program\\s*=)",
            Pattern.CASE_INSENSITIVE);

    /**
     * @param takesValue the module's [flags]: which of apply's flags take a separate value ({@code -var k=v})
     */
    public static Decision check(List<String> args, Path hostCwd, PathMapper mounts, Predicate<String> takesValue) {
        int i = 0;
        Path dir = hostCwd;
        while (i < args.size() && args.get(i).startsWith("-")) {
            String a = args.get(i).replaceFirst("^--", "-");
            if (a.startsWith("-chdir=")) {
                Optional<Path> d = mounts.confine(a.substring("-chdir=".length()), hostCwd);
                if (d.isEmpty()) return Decision.deny(Layer.MOUNTS, "-chdir", "terraform -chdir leaves the profile's [mounts]");
                dir = d.get();
            }
            i++;
        }
        String sub = i < args.size() ? args.get(i) : "";
        List<String> rest = args.subList(Math.min(i + 1, args.size()), args.size());
        Optional<Decision> paths = TerraformPaths.arguments(sub, rest, dir, mounts);
        if (paths.isPresent()) return paths.get();
        if (sub.equals("apply")) {
            for (int j = i + 1; j < args.size(); j++) {
                String a = args.get(j);
                if (a.equals("--")) break;
                if (a.startsWith("-")) {
                    if (!a.contains("=") && takesValue.test(a)) j++;
                    continue;
                }
                return CheckInput.refuse("terraform", "apply-plan", "terraform apply " + a
                        + ": a saved plan applies without approval; run 'terraform apply' and let a person approve it");
            }
        }
        if (Set.of("plan", "apply", "refresh", "import", "console", "test", "init", "validate").contains(sub)) {
            return configuration(dir, mounts);
        }
        return Decision.allow(List.of());
    }

    private static Decision configuration(Path dir, PathMapper mounts) {
        try (Stream<Path> files = Files.walk(dir, 12, new FileVisitOption[0])) {
            List<Path> tf = files.filter(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".tf") || n.endsWith(".tf.json") || n.endsWith(".tofu");
            }).limit(MAX_FILES + 1).toList();
            if (tf.size() > MAX_FILES) {
                return CheckInput.refuse("terraform", "configuration", "more than " + MAX_FILES + " terraform files under " + dir + " to check");
            }
            for (Path p : tf) {
                if (!Files.isRegularFile(p) || Files.size(p) > MAX_BYTES) {
                    return CheckInput.refuse("terraform", "configuration", p + " is not a regular file of a reasonable size");
                }
                String text = Files.readString(p, StandardCharsets.UTF_8);
                Matcher m = RUNS.matcher(text);
                if (m.find()) {
                    return CheckInput.refuse("terraform", "runs-program", dir.relativize(p) + " uses " + m.group(1)
                            + ", which runs a program (or copies a file) on the host where terraform runs");
                }
                Optional<Decision> hostFiles = TerraformPaths.configuration(dir.relativize(p), p.getParent(), text, mounts);
                if (hostFiles.isPresent()) return hostFiles.get();
            }
        } catch (IOException | RuntimeException e) {
            return CheckInput.refuse("terraform", "configuration", "could not read the terraform configuration: " + e.getMessage());
        }
        return Decision.allow(List.of());
    }
}
