package airlock.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.concurrent.Callable;

@Command(name = "revoke", header = "Revoke an API key for good; the running daemon refuses it from the next request on.")
final class ApiKeyRevokeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Parameters(paramLabel = "ID", description = "The key's id, ark_ID (as 'airlock api key list' shows it).")
    String id;

    @Override
    public Integer call() throws IOException {
        // a whole key pasted by mistake is revoked by its id, and its secret is never echoed
        id = id.split(":", 2)[0];
        if (!ApiKeyCommand.keys(config.directory()).revoke(id)) {
            spec.commandLine().getErr().println("airlock: no API key " + airlock.daemon.core.Visible.text(id)
                    + " ('airlock api key list' shows the ids)");
            return 1;
        }
        spec.commandLine().getOut().println("airlock: API key " + (id.startsWith("ark_") ? id : "ark_" + id)
                + " revoked; the running daemon refuses it from the next request on");
        return 0;
    }
}
