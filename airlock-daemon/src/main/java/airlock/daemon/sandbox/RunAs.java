package airlock.daemon.sandbox;

import java.nio.file.Path;
import java.util.List;

/**
 * The host user a root daemon's sandboxed run becomes: never root. As root, bubblewrap's own user
 * namespace would map the sandbox's uid to host uid 0, and host uid 0 may write the kernel's
 * settings in /proc/sys (core_pattern: a program run as root at the next crash) whatever the
 * capabilities. So a root daemon builds the sandbox with an outer bubblewrap (no user namespace;
 * root binds what the run may see, the config directory included), then drops to {@code uid}/
 * {@code gid} with setpriv (no capabilities, no new privileges, no supplementary groups), and an
 * inner bubblewrap gives the tool a user namespace of its own in which {@code uid} is the only uid
 * and no further user namespace may be made.
 *
 * @param uid     the host uid the tool runs as (the workspace's owner, else nobody)
 * @param gid     its group
 * @param setpriv util-linux's setpriv, under /usr so that it is visible inside the sandbox
 */
public record RunAs(int uid, int gid, Path setpriv) {
    /** The uid and gid of nobody, for a workspace that root owns. */
    public static final int NOBODY = 65534;

    /** What marks a launch's argv as having the inner bubblewrap (for where signals go). */
    static final List<String> INNER_MARK = List.of("--unshare-user", "--disable-userns");

    public RunAs {
        if (uid == 0 || gid == 0) throw new IllegalArgumentException("a sandboxed run never runs as root");
    }

    /** What the outer bubblewrap runs: setpriv, then the inner bubblewrap, then the tool's argv. */
    List<String> innerPrefix(Path bwrap, Path cwd) {
        return List.of(setpriv.toString(), "--reuid=" + uid, "--regid=" + gid, "--clear-groups",
                "--bounding-set=-all", "--inh-caps=-all", "--no-new-privs", "--",
                bwrap.toString(), "--unshare-user", "--disable-userns", "--uid", Integer.toString(uid), "--gid", Integer.toString(gid),
                // the outer sandbox's tree as it is (its read-only mounts stay read-only, its /dev keeps its devices)
                "--dev-bind", "/", "/", "--chdir", cwd.toString(), "--");
    }
}
