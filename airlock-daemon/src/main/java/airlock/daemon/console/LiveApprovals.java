package airlock.daemon.console;

import java.util.List;

/**
 * The daemon's own approvals queue: the same waiting requests {@code airlock approvals} lists, and
 * the same decision the control socket makes, bound to the request's id and to the binding the
 * page showed. The audit log records the console as the decider.
 */
public final class LiveApprovals implements Approvals {
    private final airlock.daemon.approval.Approvals queue;

    public LiveApprovals(airlock.daemon.approval.Approvals queue) {
        this.queue = queue;
    }

    @Override
    public List<Waiting> waiting() {
        return queue.pending().stream().map(p -> new Waiting(p.id(), p.profile(), p.container(), p.cwd(), p.argv(), p.asked(),
                p.deadline(), p.rule(), p.binding())).toList();
    }

    @Override
    public Outcome approve(String id, String binding, String by) {
        return outcome(queue.approve(id, binding, by), "approved");
    }

    @Override
    public Outcome deny(String id, String binding, String by, String reason) {
        String why = reason == null ? "" : reason.replaceAll("\\p{Cntrl}", " ").strip();
        if (why.length() > 200) return new Outcome.Refused("airlock: console: a reason of at most 200 characters, please");
        return outcome(queue.deny(id, binding, by, why), "denied");
    }

    private static Outcome outcome(airlock.daemon.approval.Approvals.Decided d, String verb) {
        return switch (d) {
            case airlock.daemon.approval.Approvals.Decided.Done done -> new Outcome.Done("airlock: " + verb + " request " + done.request().id()
                    + " of profile " + done.request().profile() + ": " + String.join(" ", done.request().argv()));
            case airlock.daemon.approval.Approvals.Decided.Refused r -> new Outcome.Refused(r.message());
        };
    }
}
