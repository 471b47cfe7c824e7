package airlock.cli;

import airlock.daemon.host.HostOp;
import airlock.daemon.host.HostReply;
import airlock.daemon.host.WaitingRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code airlock approve ID} and {@code airlock deny ID}: the decision names the request's id and
 * the hash of what was listed (profile, container, argv, cwd), so it can only be for that request.
 */
final class DecideCommand {
    private DecideCommand() {}

    @Command(name = "approve", header = "Let a waiting request run, once.",
            description = {"The request with this id (see 'airlock approvals') runs, once; the audit log records who approved."})
    static final class Approve implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ConfigOption config;
        @Parameters(paramLabel = "ID", description = "The request's id.")
        String id;

        @Override
        public Integer call() throws IOException {
            return decide(spec, config, id, "approve", "");
        }
    }

    @Command(name = "deny", header = "Refuse a waiting request.",
            description = {"The request with this id is refused; the agent sees the reason. Audited with who denied it."})
    static final class Deny implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ConfigOption config;
        @Parameters(paramLabel = "ID", description = "The request's id.")
        String id;
        @Option(names = "--reason", paramLabel = "TEXT", description = "Why, shown to the agent.")
        String reason = "";

        @Override
        public Integer call() throws IOException {
            return decide(spec, config, id, "deny", reason);
        }
    }

    static int decide(CommandSpec spec, ConfigOption config, String id, String op, String reason) throws IOException {
        var err = spec.commandLine().getErr();
        var dir = config.directory();
        Optional<HostReply> list = ControlClient.call(dir, new HostOp.ListWaiting());
        if (list.isEmpty()) {
            err.println("airlock: no daemon is running (no control socket at " + dir.controlSocket() + ")");
            return 1;
        }
        WaitingRequest found = null;
        if (list.get() instanceof HostReply.Waiting w) for (WaitingRequest p : w.pending()) if (p.id().equals(id)) found = p;
        if (found == null) {
            err.println("airlock: no request " + id + " waits for approval (decided already, timed out, or never asked); see 'airlock approvals'");
            return 1;
        }
        // the decision carries the binding of what was listed: it can only be for that request
        HostOp decision = op.equals("approve") ? new HostOp.Approve(id, found.binding()) : new HostOp.Deny(id, found.binding(), reason);
        HostReply answer = ControlClient.call(dir, decision).orElseThrow(() -> new IOException("the daemon went away"));
        if (answer instanceof HostReply.Refused r) {
            err.println(r.message());
            return 1;
        }
        spec.commandLine().getOut().println("airlock: " + (op.equals("approve") ? "approved" : "denied") + " request " + id
                + " of profile " + found.profile() + ": " + ApprovalsCommand.argv(found));
        return 0;
    }
}
