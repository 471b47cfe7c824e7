package airlock.daemon.hooks;

import java.nio.file.Path;
import java.util.List;

/**
 * Where hooks live: {@code hooks/pre-exec} and {@code hooks/post-exec} for every profile, and
 * {@code profiles/<name>.hooks/pre-exec} and {@code .../post-exec} for one profile (next to
 * {@code profiles/<name>.toml}, so a profile and its hooks are reviewed together).
 */
public final class HookFiles {
    public enum Stage {
        PRE_EXEC("pre-exec"), POST_EXEC("post-exec");

        public final String fileName;

        Stage(String fileName) {
            this.fileName = fileName;
        }
    }

    private HookFiles() {}

    public static Path global(Path configRoot, Stage stage) {
        return configRoot.resolve("hooks").resolve(stage.fileName);
    }

    public static Path profileDir(Path configRoot, String profile) {
        return configRoot.resolve("profiles").resolve(profile + ".hooks");
    }

    public static Path ofProfile(Path configRoot, String profile, Stage stage) {
        return profileDir(configRoot, profile).resolve(stage.fileName);
    }

    /**
     * The hooks of a stage in the order they run. Pre-exec: global first (the site-wide gate), then
     * the profile's. Post-exec: the profile's first, then global, so the global hook has the last
     * word on what reaches the caller.
     */
    public static List<Path> inOrder(Path configRoot, String profile, Stage stage) {
        Path g = global(configRoot, stage), p = ofProfile(configRoot, profile, stage);
        return stage == Stage.PRE_EXEC ? List.of(g, p) : List.of(p, g);
    }
}
