package airlock.daemon.checks.git;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the repository is, as git itself found it, read from the same host process that lists its
 * config: with {@code GIT_TRACE_SETUP=2} git prints, on stderr, the git dir, the common dir, the
 * work tree and the directory they are relative to, once setup is done. That saves the
 * {@code rev-parse} process on every ordinary call (issue 13: at most one extra host process).
 *
 * <p>The stderr is the workspace's too (git's warnings quote config values and paths the agent
 * chose), so this reads it strictly: nothing but the five setup lines in git's order, each value
 * decoded as git quotes it (backslash, CR and LF escaped, so no value can start a line of its own),
 * a work tree that is an absolute path, and directories that exist. A warning, a sixth line, a
 * missing one (git prints them only when it found a repository) is empty, and
 * the caller asks {@code rev-parse} as before: this path can only ever save a process, never
 * decide differently. Bare repositories and a cwd inside a git dir (no work tree) take that path
 * too, because telling them apart needs rev-parse's bareness rule.
 */
final class GitSetupTrace {
    private static final List<String> ORDER = List.of("git_dir", "git_common_dir", "worktree", "cwd", "prefix");

    private GitSetupTrace() {}

    /** The environment of the listing: this trace on stderr, and no other trace of git's to mix into it. */
    static Map<String, String> tracing(Map<String, String> env) {
        Map<String, String> out = new HashMap<>();
        env.forEach((k, v) -> { if (!k.startsWith("GIT_TRACE")) out.put(k, v); });
        out.put("GIT_TRACE_SETUP", "2");
        out.put("GIT_TRACE_BARE", "1");
        return out;
    }

    /** The repository's directories, real paths as {@code rev-parse --path-format=absolute} gives them. */
    static Optional<GitWorkspace.RepoDirs> read(String stderr) {
        Map<String, String> values = new HashMap<>();
        int next = 0;
        String[] lines = stderr.split("\n", -1);
        if (lines.length != ORDER.size() + 1 || !lines[ORDER.size()].isEmpty()) return Optional.empty();
        for (String line : java.util.Arrays.asList(lines).subList(0, ORDER.size())) {
            String field = ORDER.get(next++);
            String head = "setup: " + field + ": ";
            if (!line.startsWith(head)) return Optional.empty();
            Optional<String> value = unquote(line.substring(head.length()));
            if (value.isEmpty()) return Optional.empty();
            values.put(field, value.get());
        }
        String worktree = values.get("worktree");
        String cwd = values.get("cwd");
        if (!worktree.startsWith("/") || !cwd.startsWith("/")) return Optional.empty();
        try {
            Path base = Path.of(cwd);
            return Optional.of(new GitWorkspace.RepoDirs(base.resolve(values.get("git_dir")).toRealPath(),
                    base.resolve(values.get("git_common_dir")).toRealPath(), Optional.of(Path.of(worktree).toRealPath())));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** git's quote_crnl: {@code \\}, {@code \n} and {@code \r}; any other escape is not git's. */
    static Optional<String> unquote(String quoted) {
        StringBuilder s = new StringBuilder(quoted.length());
        for (int i = 0; i < quoted.length(); i++) {
            char c = quoted.charAt(i);
            if (c == '\r') return Optional.empty();
            if (c != '\\') { s.append(c); continue; }
            if (++i == quoted.length()) return Optional.empty();
            switch (quoted.charAt(i)) {
                case '\\' -> s.append('\\');
                case 'n' -> s.append('\n');
                case 'r' -> s.append('\r');
                default -> { return Optional.empty(); }
            }
        }
        return Optional.of(s.toString());
    }
}
