package airlock.daemon.console;

import airlock.daemon.host.HostOp;
import airlock.daemon.host.HostReply;

import java.util.List;

/**
 * The daemon's own approvals queue, through the host operations: the same waiting requests
 * {@code airlock approvals} lists, and the same decision the control socket makes, bound to the
 * request's id and to the binding the page showed. The audit log records the console as the decider.
 */
public final class LiveApprovals implements Approvals {
    private final ConsoleOperations ops;

    LiveApprovals(ConsoleOperations ops) {
        this.ops = ops;
    }

    @Override
    public List<Waiting> waiting() {
        return switch (ops.ask("console", new HostOp.ListWaiting())) {
            case HostReply.Waiting w -> w.pending().stream().map(p -> new Waiting(p.id(), p.profile(), p.container(), p.cwd(), p.argv(),
                    p.asked(), p.deadline(), p.rule(), p.binding())).toList();
            default -> List.of();
        };
    }

    @Override
    public Outcome approve(String id, String binding, String by) {
        return outcome(ops.ask(by, new HostOp.Approve(id, binding)), "approved");
    }

    @Override
    public Outcome deny(String id, String binding, String by, String reason) {
        String why = reason == null ? "" : reason.replaceAll("\\p{Cntrl}", " ").strip();
        if (why.length() > 200) return new Outcome.Refused("airlock: console: a reason of at most 200 characters, please");
        return outcome(ops.ask(by, new HostOp.Deny(id, binding, why)), "denied");
    }

    private static Outcome outcome(HostReply r, String verb) {
        return switch (r) {
            case HostReply.Decided d -> new Outcome.Done("airlock: " + verb + " request " + d.request().id()
                    + " of profile " + d.request().profile() + ": " + String.join(" ", d.request().argv()));
            case HostReply.Refused f -> new Outcome.Refused(f.message());
            default -> new Outcome.Refused("airlock: console: the daemon answered " + r.getClass().getSimpleName() + " to a decision");
        };
    }
}
