package airlock.daemon.host;

import airlock.daemon.approval.Approvals;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The one table of what the host may ask of the running daemon, and who may ask it, after
 * OpenSSH's monitor: each {@link HostOp} has its row ({@link #mayAsk}), {@link #dispatch} checks
 * the caller against it and then does it. The control socket, the console (and the CLI, which
 * speaks to the control socket) only decode a request into a {@link HostOp} and encode the
 * {@link HostReply}; none of them decides who may do what.
 */
public final class HostOps {
    /** The standing a caller has, once its front end has established who it is. */
    public enum Who {
        /** The daemon's own user, on the host, in no container and no run (the CLI, through the control socket). */
        HOST_USER,
        /** A signed-in console session (the daemon's own user minted its login). */
        CONSOLE
    }

    private final Approvals approvals;
    private final BooleanSupplier reload;
    private final long daemonUid;
    private final String daemonContainer;

    /**
     * @param reload re-reads the config dir; false when it does not load (the running one stays)
     * @param daemonUid the uid the daemon runs as: the only one a control-socket peer may have
     */
    public HostOps(Approvals approvals, BooleanSupplier reload, long daemonUid) {
        this(approvals, reload, daemonUid, "");
    }

    /**
     * @param daemonContainer the container the daemon itself runs in ("" on a host): a peer in that
     *                        same container is the daemon's own side (the daemon image's
     *                        {@code docker exec C airlock approvals}); any other container is an agent's
     */
    public HostOps(Approvals approvals, BooleanSupplier reload, long daemonUid, String daemonContainer) {
        this.approvals = approvals;
        this.reload = reload;
        this.daemonUid = daemonUid;
        this.daemonContainer = daemonContainer;
    }

    /** The table: who may ask each operation. A new operation does not compile until it has its row. */
    public static Set<Who> mayAsk(HostOp op) {
        return switch (op) {
            case HostOp.ListWaiting l -> EnumSet.of(Who.HOST_USER, Who.CONSOLE);
            case HostOp.Approve a -> EnumSet.of(Who.HOST_USER, Who.CONSOLE);
            case HostOp.Deny d -> EnumSet.of(Who.HOST_USER, Who.CONSOLE);
            case HostOp.Reload r -> EnumSet.of(Who.HOST_USER, Who.CONSOLE);
        };
    }

    /**
     * The caller's standing, or why it has none. A control-socket peer must be the daemon's own
     * user outside any container, and no process of a run: a tool the daemon ran for an agent
     * (terraform running workspace code, say) is the daemon's user on the host, but must not
     * approve its own waiting request; nor may what a run left behind (double-forked, reparented
     * away from the daemon), which its cgroup still names.
     */
    public Standing standing(HostCaller caller) {
        return switch (caller) {
            case HostCaller.ControlPeer p when p.uid() != daemonUid || !p.container().equals(daemonContainer) ->
                    new Standing.Barred("airlock: the control socket answers only the daemon's own user on the host",
                            "pid " + p.pid() + " uid " + p.uid() + (p.container().isEmpty() ? "" : " in container " + p.container()));
            case HostCaller.ControlPeer p when p.ofARun() ->
                    new Standing.Barred("airlock: the control socket does not answer processes the daemon started for an agent",
                            "pid " + p.pid() + ": a process this daemon started");
            case HostCaller.ControlPeer p -> new Standing.Admitted(Who.HOST_USER);
            case HostCaller.ConsoleSession s -> new Standing.Admitted(Who.CONSOLE);
        };
    }

    /** A caller's standing: admitted as one {@link Who}, or barred with the refusal and a line for the daemon's log. */
    public sealed interface Standing {
        record Admitted(Who who) implements Standing {}

        record Barred(String message, String logged) implements Standing {}
    }

    /** Checks {@code caller} against the table, then does {@code op}. */
    public HostReply dispatch(HostCaller caller, HostOp op) {
        Who who;
        switch (standing(caller)) {
            case Standing.Barred b -> {
                return new HostReply.Refused(b.message());
            }
            case Standing.Admitted a -> who = a.who();
        }
        if (!mayAsk(op).contains(who)) {
            return new HostReply.Refused("airlock: " + name(op) + " is not open to " + who.name().toLowerCase().replace('_', ' ')
                    + " callers");
        }
        return switch (op) {
            case HostOp.ListWaiting l -> new HostReply.Waiting(approvals.pending().stream().map(HostOps::shown).toList());
            case HostOp.Approve a -> reply(approvals.approve(a.id(), a.binding(), caller.who()));
            case HostOp.Deny d -> reply(approvals.deny(d.id(), d.binding(), caller.who(), d.reason()));
            // after 'airlock profile revoke/rotate/lock': applied now rather than at the watcher's next look
            case HostOp.Reload r -> reload.getAsBoolean() ? new HostReply.Reloaded()
                    : new HostReply.Refused("airlock: the configuration does not load; the running one stays (see the daemon's log)");
        };
    }

    private static HostReply reply(Approvals.Decided d) {
        return switch (d) {
            case Approvals.Decided.Done done -> new HostReply.Decided(shown(done.request()));
            case Approvals.Decided.Refused r -> new HostReply.Refused(r.message());
        };
    }

    private static WaitingRequest shown(Approvals.Pending p) {
        return new WaitingRequest(p.id(), p.profile(), p.container(), p.uid(), p.argv(), p.cwd(), p.rule(), p.asked(), p.deadline(),
                p.binding());
    }

    /** The operation's name on the wire and in messages. */
    public static String name(HostOp op) {
        return switch (op) {
            case HostOp.ListWaiting l -> "list";
            case HostOp.Approve a -> "approve";
            case HostOp.Deny d -> "deny";
            case HostOp.Reload r -> "reload";
        };
    }

    /** For a front end that must screen a peer before reading its request: the refusal, if any. */
    public Optional<Standing.Barred> barred(HostCaller caller) {
        return standing(caller) instanceof Standing.Barred b ? Optional.of(b) : Optional.empty();
    }
}
