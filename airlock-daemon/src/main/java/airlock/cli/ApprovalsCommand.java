package airlock.cli;

import airlock.daemon.core.ShellWords;
import airlock.daemon.core.Visible;
import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "approvals", header = "List the requests waiting for a person's approval.",
        description = {"Requests that matched an [ask] rule wait in the running daemon: each with its id, profile,",
                "container, exact argv and cwd, and until when it waits. Decide with 'airlock approve ID' or",
                "'airlock deny ID'. Only the daemon's own user on the host can: the control socket is not a profile's."})
final class ApprovalsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Option(names = "--json", description = "One JSON array, for scripts.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        var answer = ControlClient.ask(config.directory(), ControlClient.op("list"));
        if (answer.isEmpty()) {
            spec.commandLine().getErr().println("airlock: no daemon is running (no control socket at "
                    + config.directory().controlSocket() + "); nothing waits");
            return 1;
        }
        JsonNode pending = answer.get().path("pending");
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(VisibleJson.writer(ControlClient.JSON, false).writeValueAsString(pending));
            return 0;
        }
        if (pending.isEmpty()) out.println("no request waits for approval");
        for (JsonNode p : pending) {
            out.printf("%s  profile %s%s  until %s%n    %s%n    in %s  (rule '%s')%n", p.path("id").asText(), p.path("profile").asText(),
                    p.path("container").asText().isEmpty() ? "" : "  container " + Visible.text(p.path("container").asText()),
                    p.path("deadline").asText(), argv(p), ShellWords.quote(p.path("cwd").asText()), ShellWords.quote(p.path("rule").asText()));
        }
        return 0;
    }

    static String argv(JsonNode p) {
        List<String> words = new ArrayList<>();
        for (JsonNode a : p.path("argv")) words.add(ShellWords.quote(a.asText()));
        return String.join(" ", words);
    }
}
