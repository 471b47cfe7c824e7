package airlock.daemon.checks.git;

import airlock.daemon.checks.CheckInput;
import airlock.daemon.checks.ssh.SshDestination;
import airlock.daemon.core.HostCommand;
import airlock.daemon.core.PathMapper;
import airlock.daemon.core.Secret;
import airlock.rules.Decision;
import airlock.rules.Layer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What a git command would read before it runs, judged on disk: git's own global options, where
 * the repository really is, every key of the repository's effective config, and path and URL
 * arguments that could leave the workspace. The module's forced config (GIT_CONFIG_COUNT) is the
 * second net under this one; see builtin-commands/git/SECURITY.md.
 */
public final class GitWorkspace {
    private GitWorkspace() {}

    /** Subcommands whose free-text arguments (patterns, formats) must not be read as paths. */
    private static final Set<String> TEXT = Set.of("log", "show", "grep", "shortlog", "rev-list", "whatchanged",
            "reflog", "cherry", "range-diff", "describe", "for-each-ref", "branch", "status", "rev-parse", "stash",
            "merge", "cherry-pick", "revert", "config", "var", "help", "version");
    /** Subcommands whose positional arguments may be repository addresses. */
    private static final Set<String> ADDRESSES = Set.of("clone", "fetch", "pull", "push", "ls-remote", "remote", "submodule");
    private static final Set<String> MESSAGE_FLAGS = Set.of("-m", "--message");
    /** Subcommands that start git-upload-pack or git-receive-pack in a remote repository. */
    private static final Set<String> CONTACTS_REMOTES = Set.of("fetch", "pull", "push", "clone", "ls-remote", "remote",
            "submodule", "archive", "fetch-pack", "send-pack");

    /** Bytes of an object name in this repository's index: SHA-256 repositories say so in their config. */
    private static int hashBytes(List<GitConfigEntry> entries) {
        return entries.stream().anyMatch(e -> GitConfigKeys.lower(e.key()).equals("extensions.objectformat")
                && "sha256".equalsIgnoreCase(e.value())) ? 32 : 20;
    }

    /** A partial clone fetches missing objects from its promisor remote during ordinary commands. */
    private static boolean promisor(List<GitConfigEntry> entries) {
        return entries.stream().anyMatch(e -> {
            String k = GitConfigKeys.lower(e.key());
            return (k.startsWith("remote.") && k.endsWith(".promisor")) || k.equals("extensions.partialclone");
        });
    }

    /** @param takesValue the git module's [flags]: which of git's own options take the next argument */
    public static Decision check(Path git, List<String> args, Path hostCwd, PathMapper mounts, Map<String, String> env,
                                 Predicate<String> takesValue) {
        return check(git, args, hostCwd, mounts, env, takesValue, found -> { });
    }

    /** @param hostSecrets is handed the credentials of the host's own config that git may print (redacted from the run) */
    public static Decision check(Path git, List<String> args, Path hostCwd, PathMapper mounts, Map<String, String> env,
                                 Predicate<String> takesValue, java.util.function.Consumer<List<Secret>> hostSecrets) {
        GitGlobalOptions global = GitGlobalOptions.parse(args, takesValue);
        if (global.refused().isPresent()) {
            var r = global.refused().get();
            return CheckInput.refuse("git", "global-options", "before the subcommand, " + r.reason());
        }
        for (int i = 0; i + 1 < global.discovery().size(); i += 2) {
            String flag = global.discovery().get(i);
            if (flag.equals("--bare")) { i--; continue; }
            String value = global.discovery().get(i + 1);
            if (!value.isEmpty() && !inside(mounts, hostCwd, value)) {
                return Decision.deny(Layer.MOUNTS, flag, "git " + flag + " " + value + " is outside the profile's [mounts]");
            }
        }
        String sub = global.subcommand() < args.size() ? args.get(global.subcommand()) : "";
        List<String> rest = args.subList(Math.min(args.size(), global.subcommand() + 1), args.size());
        Optional<Decision> paths = pathArguments(sub, rest, hostCwd, mounts);
        if (paths.isPresent()) return paths.get();
        try {
            // one host process for an ordinary call: the config listing, which also says where the
            // repository is; rev-parse only when that trace is not plainly git's (bare, no repository)
            HostCommand.Output listing = GitConfigScan.listing(git, global.discovery(), hostCwd, GitSetupTrace.tracing(env));
            Optional<RepoDirs> dirs = listing.status() == 0 ? GitSetupTrace.read(listing.stderr()) : Optional.empty();
            Optional<Decision> repo;
            if (dirs.isPresent()) {
                repo = repositoryLocation(List.of(dirs.get().gitDir().toString(), dirs.get().common().toString()), hostCwd, mounts);
            } else {
                HostCommand.Output found = revParseDirs(git, global.discovery(), hostCwd, env);
                repo = repositoryLocation(found, hostCwd, mounts);
                dirs = RepoDirs.of(found);
            }
            if (repo.isPresent()) return repo.get();
            if (dirs.isPresent()) {
                repo = GitObjectStore.check(dirs.get().common(), mounts);
                if (repo.isPresent()) return repo.get();
            }
            List<GitConfigEntry> entries = GitConfigScan.entries(listing);
            hostSecrets.accept(HostConfigSecrets.of(entries));
            if (dirs.isPresent() && dirs.get().worktree().isPresent()) {
                repo = SubmoduleGitDirs.check(git, global.discovery(), dirs.get(), hashBytes(entries), hostCwd, mounts, env);
                if (repo.isPresent()) return repo.get();
            }
            Path gitDir = dirs.map(RepoDirs::gitDir).orElse(hostCwd);
            Optional<Decision> d = judgeAll(entries, gitDir, mounts);
            if (d.isPresent()) return d.get();
            if (dirs.isPresent()) {
                d = submodules(git, dirs.get().common(), hostCwd, mounts, env);
                if (d.isPresent()) return d.get();
            }
            if (sub.equals("submodule") || rest.stream().anyMatch(a -> a.startsWith("--recurse-submodules"))) {
                d = gitmodules(git, global.discovery(), hostCwd, mounts, env);
                if (d.isPresent()) return d.get();
            }
            for (String local : localRepositories(sub, rest, entries, promisor(entries))) {
                d = LocalRemote.check(git, local, hostCwd, mounts, env);
                if (d.isPresent()) return d.get();
            }
        } catch (IOException e) {
            return CheckInput.refuse("git", "repository", "could not read the repository's configuration: " + e.getMessage());
        }
        return Decision.allow(List.of());
    }

    /**
     * The repository's git directory, the directory its worktrees share (objects, config,
     * modules) and its work tree (none for a bare repository).
     */
    record RepoDirs(Path gitDir, Path common, Optional<Path> worktree) {
        /** From {@code rev-parse --is-bare-repository --git-dir --git-common-dir --show-toplevel}. */
        static Optional<RepoDirs> of(HostCommand.Output revParse) {
            // rev-parse does not quote: a folder name with a line break in it adds a line, and
            // a shifted reading would judge some other folder, so any other count is unreadable
            List<String> lines = List.of(revParse.text().split("\n"));
            if (lines.size() < 3) return Optional.empty();
            boolean bare = lines.get(0).equals("true");
            // a bare repository has no work tree: rev-parse stops at --show-toplevel with an error
            if (bare ? lines.size() != 3 : revParse.status() != 0 || lines.size() != 4) return Optional.empty();
            Optional<Path> worktree = bare ? Optional.empty() : Optional.of(Path.of(lines.get(3)));
            return Optional.of(new RepoDirs(Path.of(lines.get(1)), Path.of(lines.get(2)), worktree));
        }
    }

    private static HostCommand.Output revParseDirs(Path git, List<String> discovery, Path cwd, Map<String, String> env) throws IOException {
        var args = new java.util.ArrayList<>(discovery);
        args.addAll(List.of("rev-parse", "--path-format=absolute", "--is-bare-repository", "--git-dir", "--git-common-dir",
                "--show-toplevel"));
        return HostCommand.run(git, args, cwd, env);
    }

    /** The repository (found by walking up from the cwd, or named by .git files) must be in the mounts. */
    private static Optional<Decision> repositoryLocation(HostCommand.Output out, Path cwd, PathMapper mounts) {
        if (out.status() != 0 && out.stderr().contains("not a git repository")) return Optional.empty(); // clone, init, ls-remote
        Optional<RepoDirs> dirs = RepoDirs.of(out);
        if (dirs.isEmpty()) {
            String why = out.stderr().isBlank() ? "rev-parse named it in a way airlock cannot read (a line break in a folder name?)"
                    : out.stderr().strip();
            return Optional.of(CheckInput.refuse("git", "repository", "git cannot open the repository: " + why));
        }
        // the git dir and the common dir; a work tree elsewhere (core.worktree) is the config check's
        return repositoryLocation(List.of(dirs.get().gitDir().toString(), dirs.get().common().toString()), cwd, mounts);
    }

    private static Optional<Decision> repositoryLocation(List<String> dirs, Path cwd, PathMapper mounts) {
        for (String dir : dirs) {
            if (!dir.isBlank() && !inside(mounts, cwd, dir)) {
                return Optional.of(Decision.deny(Layer.MOUNTS, null, "the repository's git directory " + dir
                        + " is outside the profile's [mounts] (a .git file, a worktree link or a parent folder's repository)"));
            }
        }
        return Optional.empty();
    }

    /** @param gitDir relative paths in a repository's config (core.worktree, local remote URLs) are read from its git dir */
    static Optional<Decision> judgeAll(List<GitConfigEntry> entries, Path gitDir, PathMapper mounts) {
        return judgeAll(entries, gitDir, mounts, true);
    }

    /**
     * @param addresses false for a local remote's own config: git-upload-pack and
     *                  git-receive-pack never use that repository's remotes, so where its own
     *                  origin points cannot matter to a push or fetch into it
     */
    static Optional<Decision> judgeAll(List<GitConfigEntry> entries, Path gitDir, PathMapper mounts, boolean addresses) {
        for (GitConfigEntry e : entries) {
            if (!e.fromWorkspace()) continue;
            Optional<Decision> d = judge(e, gitDir, mounts, addresses);
            if (d.isPresent()) return d;
        }
        return Optional.empty();
    }

    /**
     * A submodule's own config (under .git/modules/) is read by the git commands that recurse into
     * it (status, diff --submodule=diff, submodule update): judged like the repository's.
     */
    private static Optional<Decision> submodules(Path git, Path common, Path cwd, PathMapper mounts,
                                                 Map<String, String> env) throws IOException {
        Path modules = common.resolve("modules");
        if (!java.nio.file.Files.isDirectory(modules, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return Optional.empty();
        List<Path> configs;
        try (var walk = java.nio.file.Files.walk(modules, 8)) {
            configs = walk.filter(p -> p.getFileName().toString().equals("config") || p.getFileName().toString().equals("config.worktree"))
                    .filter(java.nio.file.Files::isRegularFile).limit(200).toList();
        }
        for (Path c : configs) {
            Optional<Decision> d = judgeAll(GitConfigScan.readFile(git, c, cwd, env), c.getParent(), mounts);
            if (d.isPresent()) return d;
        }
        return Optional.empty();
    }

    /**
     * .gitmodules is a workspace file naming where submodules are cloned from: an ssh address of
     * this host (a host repository copied in, its hooks run) or a transport helper is refused.
     * (git itself refuses local paths and file:// for submodules since 2.38.1.)
     */
    private static Optional<Decision> gitmodules(Path git, List<String> discovery, Path cwd, PathMapper mounts,
                                                 Map<String, String> env) throws IOException {
        var args = new java.util.ArrayList<>(discovery);
        args.addAll(List.of("rev-parse", "--show-toplevel"));
        HostCommand.Output out = HostCommand.run(git, args, cwd, env);
        if (out.status() != 0) return Optional.empty();
        Path file = Path.of(out.text().strip()).resolve(".gitmodules");
        if (!java.nio.file.Files.isRegularFile(file)) return Optional.empty();
        for (GitConfigEntry e : GitConfigScan.readFile(git, file, cwd, env)) {
            String k = GitConfigKeys.lower(e.key());
            if (e.value() == null || !(k.startsWith("submodule.") && k.endsWith(".url"))) continue;
            GitUrl url = GitUrl.of(e.value());
            boolean relative = e.value().startsWith("./") || e.value().startsWith("../");
            if (url instanceof GitUrl.Local && relative) continue; // relative to the superproject's remote
            Optional<String> why = addressProblem(e.value(), file.getParent(), mounts);
            if (why.isPresent()) {
                return Optional.of(CheckInput.refuse("git", "gitmodules", ".gitmodules " + e.key() + ": " + why.get()));
            }
        }
        return Optional.empty();
    }

    /**
     * Local repositories this command may start git-upload-pack/receive-pack in: address arguments
     * and, for a subcommand that talks to remotes, local remote URLs. status, log, commit, diff
     * never do (unless the repository is a partial clone, which fetches missing objects on demand),
     * so a local remote's state cannot block them.
     */
    private static List<String> localRepositories(String sub, List<String> rest, List<GitConfigEntry> entries, boolean promisor) {
        List<String> local = new java.util.ArrayList<>();
        if (ADDRESSES.contains(sub)) {
            for (String a : rest) {
                if (!a.startsWith("-")) GitUrl.of(a).localPath().filter(p -> !p.isEmpty()).ifPresent(local::add);
            }
        }
        if (!CONTACTS_REMOTES.contains(sub) && !promisor) return local;
        for (GitConfigEntry e : entries) {
            String k = GitConfigKeys.lower(e.key());
            if (e.value() != null && k.startsWith("remote.") && (k.endsWith(".url") || k.endsWith(".pushurl"))) {
                GitUrl.of(e.value()).localPath().ifPresent(local::add);
            }
        }
        return local;
    }

    static Optional<Decision> judge(GitConfigEntry e, Path cwd, PathMapper mounts, boolean addresses) {
        String where = " (set in " + e.file() + "; remove it there to use git through airlock)";
        Optional<String> danger = GitConfigKeys.danger(e.key());
        if (danger.isPresent()) {
            return Optional.of(CheckInput.refuse("git", "config-keys", "workspace config key " + e.key() + ": " + danger.get() + where));
        }
        String k = GitConfigKeys.lower(e.key());
        if (k.equals("core.worktree")) {
            // A submodule's git dir names its work tree this way; anywhere outside the mounts is refused.
            if (e.value() == null || !inside(mounts, cwd, e.value())) {
                return Optional.of(CheckInput.refuse("git", "worktree", "workspace config key core.worktree moves the work tree to "
                        + e.value() + ", outside the profile's [mounts]" + where));
            }
        }
        String address = null;
        // a branch's remote and the default push remote name a remote, or are a URL or path themselves
        if ((k.startsWith("remote.") && (k.endsWith(".url") || k.endsWith(".pushurl")))
                || (k.startsWith("submodule.") && k.endsWith(".url"))
                || (k.startsWith("branch.") && (k.endsWith(".remote") || k.endsWith(".pushremote")))
                || k.equals("remote.pushdefault")) {
            address = e.value();
        } else if (k.startsWith("url.") && (k.endsWith(".insteadof") || k.endsWith(".pushinsteadof"))) {
            address = e.key().substring(4, e.key().lastIndexOf('.'));
        }
        if (address != null && addresses) {
            Optional<String> why = addressProblem(address, cwd, mounts);
            if (why.isPresent()) return Optional.of(CheckInput.refuse("git", "addresses", "workspace config key " + e.key() + ": " + why.get() + where));
        }
        return Optional.empty();
    }

    private static Optional<String> addressProblem(String address, Path cwd, PathMapper mounts) {
        return switch (GitUrl.of(address)) {
            case GitUrl.Helper h -> Optional.of("transport helper address " + h.url() + " runs a program on the host");
            case GitUrl.Network n -> n.sshHost().flatMap(SshDestination::reentry)
                    .map(why -> "ssh address " + n.url() + " re-enters the host (" + why + "): its hooks and every repository of the host user would be in reach");
            case GitUrl.Local l -> inside(mounts, cwd, l.path()) ? Optional.empty()
                    : Optional.of("local repository " + l.path() + " is outside the profile's [mounts]");
        };
    }

    /**
     * Path and address arguments after the subcommand: {@code git diff /dev/null /host/file} (an implied
     * --no-index), {@code git log --output=/host/file}, {@code git clone /host/repo}, {@code commit -F /host/file}.
     */
    static Optional<Decision> pathArguments(String sub, List<String> rest, Path cwd, PathMapper mounts) {
        boolean freeText = TEXT.contains(sub);
        boolean afterDashDash = false;
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            String value;
            if (!afterDashDash && a.equals("--")) { afterDashDash = true; continue; }
            if (!afterDashDash && MESSAGE_FLAGS.contains(a)) { i++; continue; }
            if (!afterDashDash && a.startsWith("--") && a.contains("=")) {
                String flag = a.substring(0, a.indexOf('='));
                if (flag.equals("--message")) continue;
                if (freeText && !flag.startsWith("--output")) continue;
                value = a.substring(a.indexOf('=') + 1);
            } else if (!afterDashDash && a.startsWith("--output") && i + 1 < rest.size()) {
                value = rest.get(++i);
            } else if (freeText) {
                continue;
            } else if (!afterDashDash && a.startsWith("-") && a.length() > 2 && "/.".indexOf(a.charAt(2)) >= 0) {
                value = a.substring(2); // -o/dir, -F/file
            } else if (!afterDashDash && a.startsWith("-")) {
                continue;
            } else {
                value = a;
            }
            Optional<String> path = ADDRESSES.contains(sub) ? GitUrl.of(value).localPath().filter(GitWorkspace::looksLikePath)
                    : Optional.of(value).filter(GitWorkspace::looksLikePath);
            if (ADDRESSES.contains(sub) && GitUrl.of(value) instanceof GitUrl.Helper) {
                return Optional.of(CheckInput.refuse("git", "addresses", "a transport helper address (ext::, fd::) " + value + " runs a program on the host"));
            }
            if (ADDRESSES.contains(sub) && !a.startsWith("-")) {
                Optional<String> host = GitUrl.of(value).sshHost();
                Optional<String> why = host.flatMap(SshDestination::reentry);
                if (why.isPresent()) {
                    return Optional.of(CheckInput.refuse("git", "addresses", "ssh address " + value + " re-enters the host (" + why.get() + ")"));
                }
            }
            if (path.isPresent() && !inside(mounts, cwd, path.get())) {
                return Optional.of(Decision.deny(Layer.MOUNTS, a, "path " + path.get() + " is outside the profile's [mounts]"));
            }
        }
        return Optional.empty();
    }

    private static boolean inside(PathMapper mounts, Path hostCwd, String path) {
        return mounts.confine(path, hostCwd).isPresent();
    }

    static boolean looksLikePath(String v) {
        return v.startsWith("/") || v.equals("..") || v.startsWith("../") || v.contains("/../") || v.endsWith("/..");
    }
}
