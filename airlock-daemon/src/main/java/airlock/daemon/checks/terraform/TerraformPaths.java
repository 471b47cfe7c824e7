package airlock.daemon.checks.terraform;

import airlock.daemon.core.PathMapper;
import airlock.daemon.checks.CheckInput;
import airlock.rules.Decision;
import airlock.rules.Layer;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Host files that terraform would read or write on the workspace's word, at plan time already:
 * <ul>
 * <li>{@code file("/root/.ssh/id_rsa")} and its siblings ({@code templatefile}, {@code filebase64},
 *     {@code fileset}, the hash functions) read any file; an output or a resource argument then
 *     prints it in the plan. Their path must be a literal inside the module ({@code
 *     "${path.module}/x"}, {@code "x.tpl"}): a variable or a local could name anything.
 * <li>the hashicorp/local and hashicorp/archive data sources and resources read and write any
 *     path ({@code data "archive_file"} writes its zip during plan).
 * <li>a module {@code source = "../../../somewhere"} reads a folder outside the workspace.
 * <li>{@code -backend-config=path=/etc/x} puts the local backend's state outside the mounts;
 *     {@code output NAME} prints a sensitive value in plain text; {@code providers mirror DIR}
 *     writes DIR.
 * </ul>
 * A tripwire like the rest of the terraform check: it reads literals, not what terraform evaluates.
 */
final class TerraformPaths {
    private TerraformPaths() {}

    private static final Pattern FILE_FUNCTION = Pattern.compile(
            "\\b(file|filebase64|fileset|templatefile|filemd5|filesha1|filesha256|filesha512|filebase64sha256|"
                    + "filebase64sha512|fileexists)\\s*\\(\\s*([^,)]*)");
    private static final Pattern HOST_FILE_TYPES = Pattern.compile(
            "\"(local_file|local_sensitive_file|archive_file)\"");
    private static final Pattern MODULE_SOURCE = Pattern.compile("\\bsource\"?\\s*[=:]\\s*\"(\\.{1,2}/[^\"]*|/[^\"]*)\"");
    /** A path inside the module: relative, or under one of terraform's own path prefixes, and no "..". */
    private static final Pattern SAFE_LITERAL = Pattern.compile(
            "\"(\\$\\{path\\.(module|root|cwd)\\}/)?[^\"$/~][^\"$]*\"|\"\\$\\{path\\.(module|root|cwd)\\}\"|path\\.(module|root|cwd)");

    static Optional<Decision> configuration(Path shown, Path fileDir, String text, PathMapper mounts) {
        Matcher types = HOST_FILE_TYPES.matcher(text);
        if (types.find()) {
            return Optional.of(CheckInput.refuse("terraform", "host-files", shown + " uses " + types.group(1)
                    + ", which reads or writes any file on the host where terraform runs"));
        }
        Matcher f = FILE_FUNCTION.matcher(text);
        while (f.find()) {
            String arg = f.group(2).strip();
            if (!SAFE_LITERAL.matcher(arg).matches() || arg.contains("..")) {
                return Optional.of(CheckInput.refuse("terraform", "file-functions", shown + " calls " + f.group(1) + "(" + arg
                        + "): terraform would read that file on the host; use a literal path inside the module"));
            }
        }
        Matcher src = MODULE_SOURCE.matcher(text);
        while (src.find()) {
            if (mounts.confine(src.group(1), fileDir).isEmpty()) {
                return Optional.of(Decision.deny(Layer.MOUNTS, "source", shown + ": module source " + src.group(1)
                        + " is outside the profile's [mounts]"));
            }
        }
        return Optional.empty();
    }

    static Optional<Decision> arguments(String sub, List<String> rest, Path dir, PathMapper mounts) {
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i).replaceFirst("^--", "-");
            String value = a.startsWith("-backend-config=") ? a.substring("-backend-config=".length())
                    : a.equals("-backend-config") && i + 1 < rest.size() ? rest.get(++i) : null;
            int eq = value == null ? -1 : value.indexOf('=');
            if (eq > 0 && mounts.confine(value.substring(eq + 1), dir).isEmpty()) {
                return Optional.of(Decision.deny(Layer.MOUNTS, "-backend-config", "backend setting " + value
                        + " names a path outside the profile's [mounts]"));
            }
        }
        List<String> positional = rest.stream().takeWhile(a -> !a.equals("--")).filter(a -> !a.startsWith("-")).toList();
        if (sub.equals("output") && !positional.isEmpty()) {
            return Optional.of(CheckInput.refuse("terraform", "output-value", "terraform output " + positional.getFirst()
                    + " prints the value in plain text even when it is sensitive; 'terraform output' lists them redacted"));
        }
        if (sub.equals("providers") && positional.size() >= 2 && positional.getFirst().equals("mirror")
                && mounts.confine(positional.get(1), dir).isEmpty()) {
            return Optional.of(Decision.deny(Layer.MOUNTS, "providers mirror", "terraform providers mirror "
                    + positional.get(1) + " writes outside the profile's [mounts]"));
        }
        return Optional.empty();
    }
}
