package airlock.cli;

import airlock.daemon.core.ShellWords;
import airlock.daemon.core.Visible;
import airlock.daemon.host.HostOp;
import airlock.daemon.host.HostReply;
import airlock.daemon.host.WaitingRequest;
import airlock.daemon.host.HostWire;
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
        var answer = ControlClient.call(config.directory(), new HostOp.ListWaiting());
        if (answer.isEmpty()) {
            spec.commandLine().getErr().println("airlock: no daemon is running (no control socket at "
                    + config.directory().controlSocket() + "); nothing waits");
            return 1;
        }
        if (!(answer.get() instanceof HostReply.Waiting waiting)) {
            spec.commandLine().getErr().println(answer.get() instanceof HostReply.Refused r ? r.message()
                    : "airlock: the daemon did not answer with the waiting requests");
            return 1;
        }
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(VisibleJson.writer(ControlClient.JSON, false).writeValueAsString(HostWire.pending(waiting.pending())));
            return 0;
        }
        if (waiting.pending().isEmpty()) out.println("no request waits for approval");
        for (WaitingRequest p : waiting.pending()) {
            out.printf("%s  profile %s%s  until %s%n    %s%n    in %s  (rule '%s')%n", p.id(), p.profile(),
                    p.container().isEmpty() ? "" : "  container " + Visible.text(p.container()),
                    p.deadline(), argv(p), ShellWords.quote(p.cwd()), ShellWords.quote(p.rule()));
        }
        return 0;
    }

    static String argv(WaitingRequest p) {
        List<String> words = new ArrayList<>();
        for (String a : p.argv()) words.add(ShellWords.quote(a));
        return String.join(" ", words);
    }
}
