package airlock.daemon.checks.ssh;

import airlock.daemon.checks.CheckInput;
import airlock.daemon.checks.ToolCheck;
import airlock.rules.Decision;

/** ssh: the destination, as {@code ssh -G} resolves it, must not be this host; see {@link SshDestination}. */
public final class SshCheck implements ToolCheck {
    @Override
    public String name() { return "ssh"; }

    @Override
    public Decision check(CheckInput in) {
        return SshDestination.check(in.plan().executable(), in.args(), in.cwd(), in.env());
    }
}
