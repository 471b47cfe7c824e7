package airlock.rules;

/**
 * A path argument that must resolve inside the profile's mounts: the value of {@code flag} as the
 * caller gave it (flag in the module's canonical spelling, e.g. {@code --git-dir}), or a positional
 * argument declared by {@code [flags] positional_paths} ({@code flag} is then empty).
 */
public record ConfinedPath(String flag, String path) {
    public static ConfinedPath positional(String path) {
        return new ConfinedPath("", path);
    }

    public boolean isPositional() {
        return flag.isEmpty();
    }
}
