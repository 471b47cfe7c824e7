package airlock.daemon.console;

import airlock.daemon.DaemonView;

import java.time.Clock;

/**
 * The backend over the running daemon's own state, as its read-only {@link DaemonView} shows it:
 * its live policy, the host operations (approvals, reload) checked as the console session's, its
 * vault (metadata and writes, never a value) and its audit log. Nothing is copied; every page
 * reads them afresh.
 */
public final class LiveBackend {
    private LiveBackend() {}

    public static ConsoleBackend of(DaemonView daemon, DirectoryModules.DryRunner dryRunner) {
        var dir = daemon.directory();
        var ops = new ConsoleOperations(daemon.operations());
        return new ConsoleBackend(new LiveProfiles(daemon::policy, dir, ops::reload, Clock.systemUTC()),
                new VaultSecrets(daemon.secrets(), daemon::policy), new LiveApprovals(ops),
                new AuditActivity(dir.auditFile(daemon.policy().config().log()), daemon::pausedRuns), new DirectoryModules(daemon::policy, dir, dryRunner));
    }
}
