package airlock.daemon.checks;

import airlock.rules.Decision;
import airlock.rules.Layer;

import java.util.List;

/**
 * The last step of every check that finds host paths hidden where a flag rule cannot see them
 * (a value's {@code file://} prefix, {@code key=@/path}, a {@code cp} source): each must resolve
 * inside the profile's mounts, as the host tool will open it.
 */
public final class HostPaths {
    private HostPaths() {}

    public static Decision insideMounts(String tool, List<String> paths, CheckInput in) {
        var mounts = in.mounts();
        for (String p : paths) {
            if (mounts.confine(p, in.cwd()).isEmpty()) {
                return Decision.deny(Layer.MOUNTS, p, tool + " would read or write " + p + ", outside the profile's [mounts]");
            }
        }
        return Decision.allow(List.of());
    }
}
