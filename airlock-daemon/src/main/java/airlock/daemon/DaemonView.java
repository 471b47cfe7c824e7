package airlock.daemon;

import airlock.daemon.host.HostOps;
import airlock.daemon.vault.HostSecrets;
import airlock.rules.Policy;

import java.util.Set;

/**
 * The running daemon as something above it sees it (the web console): its live state, read afresh
 * at every call (nothing here is a copy), the one table of host operations, and the vault as a
 * person on the host may use it. Nothing else of the daemon is reachable through it: the console
 * depends on this, never on {@link Daemon} ({@code PackageGraphTest} holds it).
 */
public interface DaemonView {
    /** The running policy, as the next request will see it. */
    Policy policy();

    ConfigDirectory directory();

    /** The profiles whose socket serves now. */
    Set<String> listening();

    /** What the host may ask (list, approve, deny, reload), each checked against who asks. */
    HostOps operations();

    /** The daemon's one vault, without any method that returns a value. */
    HostSecrets secrets();

    /** The runs paused now for an agent's answer (a script's llm.complete), oldest first; never a prompt's secret (redacted). */
    default java.util.List<airlock.daemon.runs.Run.View> pausedRuns() {
        return java.util.List.of();
    }
}
