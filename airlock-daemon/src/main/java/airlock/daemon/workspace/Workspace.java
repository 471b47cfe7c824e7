package airlock.daemon.workspace;

import airlock.daemon.PathMapper;
import airlock.daemon.Plan;
import airlock.rules.Decision;

import java.util.List;

/**
 * The defenses that need the filesystem or the real tool, run after the policy allowed a request
 * and before the tool starts. Keyed on the executable, not on the module: a user module that
 * replaces the built-in git keeps git's workspace check.
 */
public final class Workspace {
    private Workspace() {}

    /**
     * @param plan what will run: executable, host cwd (inside the mounts), hardened environment
     * @param args the caller's arguments (without the module's appended ones)
     */
    public static Decision check(Plan plan, List<String> args) {
        String tool = plan.executable().getFileName().toString();
        PathMapper mounts = new PathMapper(plan.profile().mounts());
        if (tool.equals("git")) return GitWorkspace.check(plan.executable(), args, plan.cwd(), mounts, plan.env());
        if (tool.equals("ssh")) return SshDestination.check(plan.executable(), args, plan.cwd(), plan.env());
        if (tool.equals("terraform") || tool.equals("tofu")) return TerraformWorkspace.check(args, plan.cwd(), mounts);
        if (tool.equals("kubectl")) {
            Decision secrets = KubectlResources.check(args);
            if (!secrets.allowed()) return secrets;
        }
        if (tool.equals("gh")) {
            Decision git = GhGit.check(args, plan.cwd(), mounts, plan.env());
            if (!git.allowed()) return git;
        }
        if (java.util.Set.of("aws", "gh", "kubectl", "docker").contains(tool)) return PathArguments.check(tool, args, plan.cwd(), mounts);
        return Decision.allow(List.of());
    }
}
