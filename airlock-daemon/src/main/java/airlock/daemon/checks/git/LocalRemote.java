package airlock.daemon.checks.git;

import airlock.daemon.checks.CheckInput;
import airlock.daemon.core.HostCommand;
import airlock.daemon.core.PathMapper;
import airlock.rules.Decision;
import airlock.rules.Layer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A local repository git talks to (a bare remote in the workspace, {@code git push ../r.git}):
 * git starts git-receive-pack/upload-pack in it with the local-repository environment cleared,
 * so the forced GIT_CONFIG_* values do NOT reach it (measured: a post-receive hook of a local
 * bare repository runs on push). Its hooks and config are therefore judged here, like the
 * workspace's own.
 */
final class LocalRemote {
    private LocalRemote() {}

    static Optional<Decision> check(Path git, String path, Path cwd, PathMapper mounts, Map<String, String> env) throws IOException {
        Optional<Path> dir = mounts.confine(path, cwd);
        if (dir.isEmpty()) {
            return Optional.of(Decision.deny(Layer.MOUNTS, path, "local repository " + path + " is outside the profile's [mounts]"));
        }
        if (!Files.isDirectory(dir.get())) return Optional.empty(); // not there (yet): git will say so
        HostCommand.Output out = HostCommand.run(git, List.of("-C", dir.get().toString(), "rev-parse",
                "--path-format=absolute", "--git-common-dir"), cwd, env);
        if (out.status() != 0) return Optional.empty(); // not a repository: git will refuse it
        Path common = Path.of(out.text().strip());
        if (mounts.confine(common.toString(), cwd).isEmpty()) {
            return Optional.of(Decision.deny(Layer.MOUNTS, path, "local repository " + path + " keeps its git directory outside the profile's [mounts]"));
        }
        Optional<Decision> keys = GitWorkspace.judgeAll(GitConfigScan.read(git, List.of("-C", dir.get().toString()), cwd, env), common, mounts, false);
        if (keys.isPresent()) return keys;
        Path hooks = common.resolve("hooks");
        if (Files.isDirectory(hooks)) {
            try (Stream<Path> s = Files.list(hooks)) {
                Optional<Path> active = s.filter(p -> !p.getFileName().toString().endsWith(".sample"))
                        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
                if (active.isPresent()) {
                    return Optional.of(CheckInput.refuse("git", "local-remote", "local repository " + path + " has hook "
                            + active.get().getFileName() + ", which git would run on the host (" + active.get()
                            + "; forced configuration does not reach a local remote)"));
                }
            }
        }
        return Optional.empty();
    }
}
