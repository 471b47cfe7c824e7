package airlock.daemon.console;

import airlock.daemon.ConfigDirectory;
import airlock.rules.Policy;

import java.util.function.Supplier;

/** The backend over the running daemon's own state: its live policy, its config directory, its audit log. */
public final class LiveBackend {
    private LiveBackend() {}

    public static ConsoleBackend of(Supplier<Policy> policy, ConfigDirectory dir, DirectoryModules.DryRunner dryRunner) {
        return new ConsoleBackend(new PolicyProfiles(policy, dir), new NoVault(), new NoApprovals(),
                new AuditActivity(dir.auditDir()), new DirectoryModules(policy, dir, dryRunner));
    }
}
