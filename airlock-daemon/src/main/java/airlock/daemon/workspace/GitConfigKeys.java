package airlock.daemon.workspace;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which configuration keys a workspace may not set. The repository's own config files
 * (.git/config, config.worktree and everything they include) are written by the agent, so a key
 * there that names a program, a host file or a transport is refused before git starts, naming
 * the key. Two nets: a list of keys known to run or read something (each tested with a canary),
 * and a list of sections known to hold only data: a key from any other section is refused too,
 * because git grows new command-running keys with new releases and we cannot vouch for them.
 * The user's own global config (host-owned) is trusted and never judged here.
 */
public final class GitConfigKeys {
    private GitConfigKeys() {}

    private record Danger(Pattern key, String why) {}

    private static Danger d(String glob, String why) {
        return new Danger(Pattern.compile(glob.replace(".", "\\.").replace("*", ".*")), why);
    }

    private static final String RUNS = "names a program git runs on the host";

    private static final List<Danger> DANGERS = List.of(
            d("core.fsmonitor", "git runs it as a filesystem monitor on status, diff, commit, ..."),
            d("core.sshcommand", "git runs it for every ssh transport"),
            d("core.gitproxy", RUNS + " for git:// transports"),
            d("core.pager", RUNS + " as the pager"),
            d("core.editor", RUNS + " as the editor"),
            d("core.askpass", RUNS + " to ask for passwords"),
            d("core.hookspath", "points hooks at a folder of programs git runs"),
            d("core.alternaterefscommand", RUNS),
            d("core.excludesfile", "makes git read a host file"),
            d("core.attributesfile", "makes git read a host file"),
            d("core.sharedrepository", "changes the permissions of files git writes"),
            d("sequence.editor", RUNS + " as the rebase editor"),
            d("alias.*", "an alias runs a shell command (!) or re-spells a refused subcommand"),
            d("diff.external", RUNS + " for every diff"),
            d("diff.*.textconv", RUNS + " to convert files for diff"),
            d("diff.*.command", RUNS + " as a diff driver"),
            d("diff.tool", "chooses a diff tool git runs"),
            d("diff.guitool", "chooses a diff tool git runs"),
            d("diff.orderfile", "makes git read a host file"),
            d("difftool.*", RUNS + " as a diff tool"),
            d("mergetool.*", RUNS + " as a merge tool"),
            d("merge.tool", "chooses a merge tool git runs"),
            d("merge.guitool", "chooses a merge tool git runs"),
            d("merge.*.driver", RUNS + " as a merge driver"),
            d("filter.*", RUNS + " as a clean/smudge/process filter"),
            d("remote.*.uploadpack", RUNS + " in place of git-upload-pack"),
            d("remote.*.receivepack", RUNS + " in place of git-receive-pack"),
            d("remote.*.proxy", "sends traffic through a proxy the workspace chose"),
            d("remote.*.vcs", "runs a remote helper program"),
            d("protocol.allow", "re-enables transports such as ext:: that run commands"),
            d("protocol.*.allow", "re-enables transports such as ext:: that run commands"),
            d("gpg.program", RUNS + " to sign or verify"),
            d("gpg.*.program", RUNS + " to sign or verify"),
            d("gpg.ssh.defaultkeycommand", RUNS + " to pick a signing key"),
            d("gpg.ssh.allowedsignersfile", "makes git read a host file"),
            d("credential.*", "a credential helper runs on the host and holds the host's secrets"),
            d("pager.*", RUNS + " as the pager of one subcommand"),
            d("include.path", "includes a config file; airlock refuses includes in the workspace"),
            d("includeif.*", "includes a config file; airlock refuses includes in the workspace"),
            d("submodule.*.update", "'!command' runs a command on submodule update"),
            d("commit.template", "makes git read a host file into the commit message"),
            d("init.templatedir", "copies a host folder (hooks included) into repositories"),
            d("interactive.difffilter", RUNS + " for add -p"),
            d("http.*", "http settings read host files (cookies, keys) or pick proxies"),
            d("help.browser", RUNS + " as the documentation browser"),
            d("help.format", "'web' or 'info' makes 'git help' start an interactive program on the host"),
            d("help.htmlpath", "makes git read host files or URLs for help"),
            d("blame.ignorerevsfile", "makes git read a host file"),
            d("format.outputdirectory", "makes format-patch write into a host folder"),
            d("format.signaturefile", "makes git read a host file into patches"),
            d("lfs.customtransfer.*", RUNS + " as a git-lfs transfer agent"),
            d("lfs.standalonetransferagent", "makes git-lfs run a transfer agent program"),
            d("lfs.extension.*", RUNS + " as a git-lfs extension"),
            d("gc.recentobjectshook", RUNS + " during gc and repack"),
            d("fetch.bundleuri", "makes git fetch a bundle from any URI or host path"),
            d("mailmap.file", "makes git read a host file"),
            d("core.hookspath", "points hooks at a folder of programs git runs"),
            d("uploadpack.packobjectshook", RUNS),
            d("uploadarchive.*", "server-side settings"),
            d("receive.*", "server-side settings"),
            d("uploadpack.*", "server-side settings")
    );

    /** Sections whose keys are plain data, apart from the dangers above. */
    private static final Set<String> DATA_SECTIONS = Set.of(
            "core", "user", "author", "committer", "branch", "remote", "color", "log", "status", "advice", "pull",
            "push", "fetch", "merge", "rebase", "diff", "extensions", "init", "index", "pack", "gc", "rerere",
            "i18n", "tag", "commit", "submodule", "lfs", "feature", "checkout", "clone", "blame", "grep",
            "format", "am", "apply", "notes", "worktree", "transfer", "help", "fsck", "versionsort", "column",
            "stash", "reset", "add", "safe", "sparse", "splitindex", "url", "maintenance", "trace2", "showbranch",
            "mailmap", "pretty", "interactive", "switch", "rev", "repack", "bitmappseudomerge", "fastimport");

    /** Why {@code key} (lowercased section and name, as git config --list prints it) may not come from the workspace. */
    public static Optional<String> danger(String key) {
        String k = lower(key);
        for (Danger d : DANGERS) {
            if (d.key().matcher(k).matches()) return Optional.of(d.why());
        }
        int dot = k.indexOf('.');
        String section = dot < 0 ? k : k.substring(0, dot);
        if (!DATA_SECTIONS.contains(section)) {
            return Optional.of("section '" + section + "' is not one airlock knows to hold only data "
                    + "(sendemail, imap, web, browser, man, guitool, ... run programs)");
        }
        return Optional.empty();
    }

    /** Section and variable name are case-insensitive in git; the subsection (between the dots) is not. */
    static String lower(String key) {
        int first = key.indexOf('.');
        int last = key.lastIndexOf('.');
        if (first < 0) return key.toLowerCase(java.util.Locale.ROOT);
        if (first == last) return key.toLowerCase(java.util.Locale.ROOT);
        return key.substring(0, first).toLowerCase(java.util.Locale.ROOT) + key.substring(first, last + 1)
                + key.substring(last + 1).toLowerCase(java.util.Locale.ROOT);
    }
}
