package airlock.daemon.checks.git;

import airlock.daemon.core.HostCommand;
import airlock.daemon.core.PathMapper;
import airlock.rules.Decision;
import airlock.rules.Layer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A submodule's working folder holds a {@code .git} file ({@code gitdir: ...}) that the agent
 * writes. Pointed at a host repository, {@code git status}, {@code git diff --submodule=diff}
 * and {@code git submodule status} of the superproject read that repository: its HEAD, its log
 * and its content, step by step. Every populated submodule's git directory must resolve inside
 * the profile's mounts. Submodules are the index's gitlinks (mode 160000), as git finds them.
 */
final class SubmoduleGitDirs {
    private static final int MAX_SUBMODULES = 1_000;

    private SubmoduleGitDirs() {}

    static Optional<Decision> check(Path git, List<String> discovery, GitWorkspace.RepoDirs dirs, int hashBytes, Path cwd, PathMapper mounts,
                                    Map<String, String> env) throws IOException {
        Path worktree = dirs.worktree().orElseThrow();
        // the index is read first: listing it with git costs a host process on every call
        if (!GitIndex.mayHoldGitlinks(dirs.gitDir(), hashBytes)) return Optional.empty();
        var list = new ArrayList<>(discovery);
        list.addAll(List.of("ls-files", "--stage", "-z"));
        HostCommand.Output out = HostCommand.run(git, list, cwd, env);
        if (out.status() != 0) return Optional.empty();
        int seen = 0;
        for (String entry : out.text().split("\0")) {
            // git treats any mode whose type bits are 0160000 as a gitlink (S_ISGITLINK)
            int space = entry.indexOf(' ');
            if (space <= 0 || !isGitlink(entry.substring(0, space))) continue;
            if (++seen > MAX_SUBMODULES) break;
            String path = entry.substring(entry.indexOf('\t') + 1);
            Optional<String> outside = outside(worktree.resolve(path).resolve(".git"), mounts);
            if (outside.isPresent()) {
                return Optional.of(Decision.deny(Layer.MOUNTS, null, "submodule " + path + ": its .git leads to "
                        + outside.get() + ", outside the profile's [mounts]"));
            }
        }
        return Optional.empty();
    }

    private static boolean isGitlink(String octalMode) {
        try {
            return (Integer.parseInt(octalMode, 8) & 0170000) == 0160000;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** Where {@code dotGit} leads when that is outside the mounts; empty when inside or absent. */
    private static Optional<String> outside(Path dotGit, PathMapper mounts) throws IOException {
        if (!Files.exists(dotGit, LinkOption.NOFOLLOW_LINKS)) return Optional.empty(); // not populated
        String target = dotGit.toString();
        if (Files.isRegularFile(dotGit, LinkOption.NOFOLLOW_LINKS)) {
            String first = Files.readAllLines(dotGit, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
            if (!first.startsWith("gitdir:")) return Optional.empty(); // git ignores it as a repository
            target = first.substring("gitdir:".length()).strip();
        }
        return mounts.confine(target, dotGit.getParent()).isPresent() ? Optional.empty() : Optional.of(target);
    }
}
