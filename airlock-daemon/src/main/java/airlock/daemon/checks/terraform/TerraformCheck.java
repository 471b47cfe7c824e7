package airlock.daemon.checks.terraform;

import airlock.daemon.checks.CheckInput;
import airlock.daemon.checks.ToolCheck;
import airlock.rules.Decision;

/**
 * terraform (and OpenTofu): the configuration in the workspace must not run a program or read a
 * host file, path arguments stay in the mounts, and a saved plan is not applied unapproved; see
 * {@link TerraformWorkspace}.
 */
public final class TerraformCheck implements ToolCheck {
    @Override
    public String name() { return "terraform"; }

    @Override
    public Decision check(CheckInput in) {
        return TerraformWorkspace.check(in.args(), in.cwd(), in.mounts(), in::takesValue);
    }
}
