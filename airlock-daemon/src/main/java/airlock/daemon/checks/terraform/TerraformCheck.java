package airlock.daemon.checks.terraform;

import airlock.daemon.checks.CheckInput;
import airlock.daemon.checks.Checked;
import airlock.daemon.checks.ToolCheck;

/**
 * terraform (and OpenTofu): the configuration in the workspace must not run a program or read a
 * host file, path arguments stay in the mounts, and a saved plan is not applied unapproved; see
 * {@link TerraformWorkspace}.
 */
public final class TerraformCheck implements ToolCheck {
    @Override
    public String name() { return "terraform"; }

    @Override
    public Checked check(CheckInput in) {
        return Checked.of(TerraformWorkspace.check(in.args(), in.cwd(), in.mounts(), in::takesValue));
    }
}
