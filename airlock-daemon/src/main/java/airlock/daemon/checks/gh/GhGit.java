package airlock.daemon.checks.gh;

import airlock.daemon.checks.git.GitWorkspace;
import airlock.daemon.core.PathMapper;
import airlock.daemon.core.Executables;
import airlock.rules.Decision;
import airlock.daemon.checks.CheckInput;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * gh runs git on the host: {@code pr checkout}, {@code pr create} (push), {@code pr status},
 * {@code repo sync}, {@code repo clone} all start {@code git} in the caller's working folder. So
 * the repository there gets the same judgement as for a git command (its config keys, its
 * location, its object store): a workspace {@code core.fsmonitor} would otherwise run on the
 * host through {@code gh pr status}. The gh module forces git's safe configuration through the
 * environment as the git module does.
 *
 * <p>{@code gh repo clone REPO DIR -- FLAGS} and {@code gh repo fork --clone -- FLAGS} hand
 * FLAGS to {@code git clone} ({@code -u CMD}, {@code --config core.sshCommand=CMD}); no rule can
 * read them behind the {@code --}, so the pass-through is refused.
 */
final class GhGit {
    private GhGit() {}

    static Decision check(List<String> args, Path cwd, PathMapper mounts, Map<String, String> env) {
        List<String> words = args.stream().takeWhile(a -> !a.equals("--")).filter(a -> !a.startsWith("-")).limit(2).toList();
        boolean cloning = words.equals(List.of("repo", "clone")) || words.equals(List.of("repo", "fork"));
        if (cloning && args.contains("--")) {
            return CheckInput.refuse("gh", "clone-passthrough", "gh repo " + words.get(1)
                    + " passes the arguments after -- to git clone on the host, where no rule reads them");
        }
        Optional<Path> git = Executables.find("git", env.get("PATH"));
        if (git.isEmpty()) return Decision.allow(List.of()); // gh cannot run git either
        Decision d = GitWorkspace.check(git.get(), List.of("status"), cwd, mounts, env, option -> false);
        if (d.allowed()) return d;
        return Decision.deny(d.layer(), d.rule(), "gh runs git here: " + d.reason(), d.hint());
    }
}
