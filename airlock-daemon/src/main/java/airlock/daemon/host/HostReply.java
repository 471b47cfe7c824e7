package airlock.daemon.host;


import java.util.List;

/** The daemon's answer to one {@link HostOp}. */
public sealed interface HostReply {
    /** {@link HostOp.ListWaiting}: oldest first. */
    record Waiting(List<WaitingRequest> pending) implements HostReply {
        public Waiting {
            pending = List.copyOf(pending);
        }
    }

    /** {@link HostOp.Approve} or {@link HostOp.Deny} settled this request. */
    record Decided(WaitingRequest request) implements HostReply {}

    /** {@link HostOp.Reload} applied the config dir. */
    record Reloaded() implements HostReply {}

    /** Not done; {@code message} says why and what works instead. */
    record Refused(String message) implements HostReply {}
}
