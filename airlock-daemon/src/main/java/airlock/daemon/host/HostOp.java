package airlock.daemon.host;

/**
 * What the host may ask of the running daemon: the closed set every front end (the control
 * socket and the CLI behind it, the web console, the coming HTTP API) decodes its requests into.
 * Who may ask each is {@link HostOps}'s table; an agent can ask none of them.
 */
public sealed interface HostOp {
    /** The requests waiting for a person ({@code airlock approvals}). */
    record ListWaiting() implements HostOp {}

    /** Let one waiting request run, once; {@code binding} names what the person was shown. */
    record Approve(String id, String binding) implements HostOp {}

    /** Refuse one waiting request; the agent sees {@code reason}. */
    record Deny(String id, String binding, String reason) implements HostOp {}

    /** Re-read the config dir now (after {@code airlock profile revoke|rotate|lock}, or the console's change). */
    record Reload() implements HostOp {}
}
