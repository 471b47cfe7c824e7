package airlock.daemon.console;

import airlock.daemon.host.HostCaller;
import airlock.daemon.host.HostOp;
import airlock.daemon.host.HostOps;
import airlock.daemon.host.HostReply;

/**
 * The console's side of the one table of host operations: each call is dispatched as a
 * {@link HostCaller.ConsoleSession}, so the table, not the page, says what a console session may
 * do. The pages word the reply.
 */
final class ConsoleOperations {
    private final HostOps ops;

    ConsoleOperations(HostOps ops) {
        this.ops = ops;
    }

    /** {@code by}: the session as the audit log records it ({@link ApprovalsPage#by}). */
    HostReply ask(String by, HostOp op) {
        return ops.dispatch(new HostCaller.ConsoleSession(by), op);
    }

    /** The control socket's "reload", after the console changed a profile's file: true when it applied. */
    boolean reload() {
        return ask("console", new HostOp.Reload()) instanceof HostReply.Reloaded;
    }
}
