package airlock.daemon.workspace;

import airlock.rules.Decision;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The defenses that need the filesystem or the real tool, run after the policy allowed a request
 * and before the tool starts. Keyed on the executable, not on the module: a user module that
 * replaces the built-in git keeps git's workspace check.
 */
public final class Workspace {
    private Workspace() {}

    /**
     * @param bin      the resolved host executable
     * @param args     the caller's arguments
     * @param hostCwd  the caller's cwd, already mapped to the host and inside the mounts
     * @param mounts   the profile's [mounts], container path to host path
     * @param env      the hardened environment the tool will get
     */
    public static Decision check(Path bin, List<String> args, Path hostCwd, Map<String, String> mounts, Map<String, String> env) {
        String tool = bin.getFileName().toString();
        if (tool.equals("git")) return GitWorkspace.check(bin, args, hostCwd, new Mounts(mounts), env);
        return Decision.allow(List.of());
    }
}
