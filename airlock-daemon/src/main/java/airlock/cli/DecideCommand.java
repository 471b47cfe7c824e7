package airlock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
        Optional<JsonNode> list = ControlClient.ask(dir, ControlClient.op("list"));
        if (list.isEmpty()) {
            err.println("airlock: no daemon is running (no control socket at " + dir.controlSocket() + ")");
            return 1;
        }
        JsonNode found = null;
        for (JsonNode p : list.get().path("pending")) if (p.path("id").asText().equals(id)) found = p;
        if (found == null) {
            err.println("airlock: no request " + id + " waits for approval (decided already, timed out, or never asked); see 'airlock approvals'");
            return 1;
        }
        ObjectNode q = ControlClient.op(op).put("id", id).put("binding", found.path("binding").asText())
                .put("by", System.getProperty("user.name", "")).put("reason", reason);
        JsonNode answer = ControlClient.ask(dir, q).orElseThrow(() -> new IOException("the daemon went away"));
        if (!answer.path("ok").asBoolean()) {
            err.println(answer.path("error").asText());
            return 1;
        }
        spec.commandLine().getOut().println("airlock: " + (op.equals("approve") ? "approved" : "denied") + " request " + id
                + " of profile " + found.path("profile").asText() + ": " + ApprovalsCommand.argv(found));
        return 0;
    }
}
