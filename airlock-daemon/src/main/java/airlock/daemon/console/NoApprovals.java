package airlock.daemon.console;

import java.util.List;

/** Approvals before the queue (issue 15) is merged: nothing ever waits. ADAPT: replace with the approvals queue. */
public final class NoApprovals implements Approvals {
    static final String NOT_YET = "airlock: console: approvals are not in this build; no request waits for a person";

    @Override
    public List<Waiting> waiting() {
        return List.of();
    }

    @Override
    public Outcome approve(String id) {
        return new Outcome.Unavailable(NOT_YET);
    }

    @Override
    public Outcome deny(String id) {
        return new Outcome.Unavailable(NOT_YET);
    }
}
