package airlock.daemon.gate;

import java.util.List;

/**
 * Puts the host path in place of a container path in the arguments, where the rules engine found
 * it: the whole argument ({@code /workspace/r.git}), a long flag's value ({@code --git-dir=/workspace/r}),
 * or a short flag's glued value ({@code -C/workspace/p}).
 */
final class ContainerPaths {
    private ContainerPaths() {}

    static void rewrite(List<String> args, String containerPath, String hostPath) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals(containerPath)) {
                args.set(i, hostPath);
            } else if (a.startsWith("-") && a.endsWith(containerPath) && a.length() > containerPath.length()) {
                int cut = a.length() - containerPath.length();
                if (a.charAt(cut - 1) == '=' || (cut == 2 && !a.startsWith("--"))) args.set(i, a.substring(0, cut) + hostPath);
            }
        }
    }
}
