package airlock.daemon.checks.ssh;

import airlock.daemon.checks.CheckInput;
import airlock.daemon.checks.Checked;
import airlock.daemon.checks.ToolCheck;

/** ssh: the destination, as {@code ssh -G} resolves it, must not be this host; see {@link SshDestination}. */
public final class SshCheck implements ToolCheck {
    @Override
    public String name() { return "ssh"; }

    @Override
    public Checked check(CheckInput in) {
        return Checked.of(SshDestination.check(in.plan().executable(), in.args(), in.cwd(), in.env()));
    }
}
