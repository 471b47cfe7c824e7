package airlock.daemon.console;

import airlock.daemon.Daemon;

import java.time.Clock;

/**
 * The backend over the running daemon's own state: its live policy, its reload, its approvals
 * queue, its vault and its audit log. Nothing is copied; every page reads them afresh.
 */
public final class LiveBackend {
    private LiveBackend() {}

    public static ConsoleBackend of(Daemon daemon, DirectoryModules.DryRunner dryRunner) {
        var dir = daemon.directory();
        return new ConsoleBackend(new LiveProfiles(daemon::policy, dir, daemon.reloader()::reload, Clock.systemUTC()),
                new VaultSecrets(daemon.vault(), daemon::policy), new LiveApprovals(daemon.approvals()),
                new AuditActivity(dir.auditFile(daemon.policy().config().log())), new DirectoryModules(daemon::policy, dir, dryRunner));
    }
}
