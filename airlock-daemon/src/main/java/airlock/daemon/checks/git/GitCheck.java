package airlock.daemon.checks.git;

import airlock.daemon.checks.CheckInput;
import airlock.daemon.checks.Checked;
import airlock.daemon.checks.ToolCheck;
import airlock.daemon.core.Secret;
import airlock.rules.Decision;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * git: its own options before the subcommand, where the repository really is, every key of the
 * repository's effective config (judged against builtin-commands/git/config-keys.toml), path and
 * address arguments; see {@link GitWorkspace} and builtin-commands/git/SECURITY.md.
 */
public final class GitCheck implements ToolCheck {
    @Override
    public String name() { return "git"; }

    @Override
    public Checked check(CheckInput in) {
        // git's own options are read exactly as git.c reads them, with the value flags the module
        // declares; a module that stopped declaring one would let "-C /x" hide a subcommand
        List<String> missing = GitGlobalOptions.TAKES_NEXT.stream().filter(o -> !in.takesValue(o)).toList();
        if (!missing.isEmpty()) {
            return Checked.of(CheckInput.refuse("git", "flags", "the git check reads git's own options with the module's [flags]; "
                    + in.plan().module().source() + " does not declare " + missing + " in [flags] value (add them back)"));
        }
        // the scan hands over what it found in the host's own config once; the check returns it with the decision
        AtomicReference<List<Secret>> found = new AtomicReference<>(List.of());
        Decision d = GitWorkspace.check(in.plan().executable(), in.args(), in.cwd(), in.mounts(), in.env(), in::takesValue, found::set);
        return new Checked(d, found.get());
    }
}
