package airlock.daemon.checks.git;

import airlock.daemon.core.Refusal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * git's own options before the subcommand, read exactly as git.c handle_options reads them (no
 * abbreviations, no bundling). They matter twice: {@code -c}/{@code --config-env}/{@code --exec-path=}
 * only mean "run this config / these programs" in this position (after the subcommand, {@code -c}
 * is {@code switch -c} or {@code grep -c}), and {@code -C}/{@code --git-dir}/{@code --work-tree}
 * decide which repository's config git will read, so the config scan must see the same ones.
 *
 * @param discovery  the options that choose the repository, to repeat in front of the scan
 * @param subcommand index of the subcommand in the argument list, or {@code args.size()} when none
 * @param refused    the first option that is refused here, with the reason
 */
public record GitGlobalOptions(List<String> discovery, int subcommand, Optional<Refusal> refused) {
    public record Refusal(String option, String reason) {}

    /** The options git reads with a separate value here; the module's [flags] must declare them. */
    static final List<String> TAKES_NEXT = List.of("-C", "-c", "--git-dir", "--work-tree", "--namespace",
            "--super-prefix", "--config-env", "--attr-source");

    /** @param takesValue the git module's [flags]: which options take the next argument as their value */
    public static GitGlobalOptions parse(List<String> args, Predicate<String> takesValue) {
        List<String> discovery = new ArrayList<>();
        Refusal refused = null;
        int i = 0;
        while (i < args.size() && args.get(i).startsWith("-")) {
            String a = args.get(i);
            if (a.equals("-h") || a.equals("--help") || a.equals("-v") || a.equals("--version")) break; // git runs help/version
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            String value = null;
            if (a.contains("=") && a.startsWith("--")) {
                value = a.substring(a.indexOf('=') + 1);
            } else if (takesValue.test(a)) {
                value = i + 1 < args.size() ? args.get(i + 1) : "";
                i++;
            }
            i++;
            if (refused == null) refused = refusal(name, value);
            switch (name) {
                case "-C", "--git-dir", "--work-tree" -> {
                    discovery.add(name);
                    discovery.add(value == null ? "" : value);
                }
                case "--bare" -> discovery.add(name);
                default -> { }
            }
        }
        return new GitGlobalOptions(List.copyOf(discovery), i, Optional.ofNullable(refused));
    }

    private static Refusal refusal(String name, String value) {
        return switch (name) {
            case "-c" -> new Refusal("-c", "git -c sets any configuration key, e.g. core.sshCommand or alias.x=!cmd: a command on the host");
            case "--config-env" -> new Refusal("--config-env", "git --config-env sets any configuration key from the environment");
            case "--exec-path" -> value == null ? null
                    : new Refusal("--exec-path", "git --exec-path=DIR runs git's helper programs from DIR");
            case "--super-prefix" -> new Refusal("--super-prefix", "internal option of git");
            default -> null;
        };
    }
}
