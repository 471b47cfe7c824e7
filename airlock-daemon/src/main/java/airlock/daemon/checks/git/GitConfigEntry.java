package airlock.daemon.checks.git;

/**
 * One line of {@code git config --list --show-scope --show-origin -z}.
 *
 * @param scope  system, global, local, worktree or command
 * @param origin where git read it ("file:.git/config", "command line:")
 * @param key    section.[subsection.]name, section and name lowercased by git
 * @param value  the value, null for a key written without "="
 */
public record GitConfigEntry(String scope, String origin, String key, String value) {

    /** The repository's own files (and whatever they include) are written by the agent. */
    public boolean fromWorkspace() {
        return !scope.equals("global") && !scope.equals("system") && !scope.equals("command");
    }

    public String file() {
        return origin.startsWith("file:") ? origin.substring("file:".length()) : origin;
    }
}
