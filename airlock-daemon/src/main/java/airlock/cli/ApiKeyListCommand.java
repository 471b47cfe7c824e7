package airlock.cli;

import airlock.daemon.listen.https.ApiKeys;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "list", header = "List the API keys: id, profile, state, expiry, last use (never a secret).")
final class ApiKeyListCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Option(names = "--json", description = "One JSON array instead of the table.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        var out = spec.commandLine().getOut();
        List<ApiKeys.ApiKey> keys = ApiKeyCommand.keys(config.directory()).list();
        Instant now = Instant.now();
        if (json) {
            ArrayNode a = JSON.createArrayNode();
            for (ApiKeys.ApiKey k : keys) {
                ObjectNode o = a.addObject();
                o.put("id", k.keyId());
                o.put("profile", k.profile());
                o.put("state", k.state(now));
                o.put("created", k.created().toString());
                o.put("expires", k.expires().map(Instant::toString).orElse(null));
                o.put("revoked", k.revoked().map(Instant::toString).orElse(null));
                o.put("last_use", k.lastUse().map(Instant::toString).orElse(null));
            }
            out.println(VisibleJson.writer(JSON, true).writeValueAsString(a));
            return 0;
        }
        if (keys.isEmpty()) {
            out.println("no API keys (airlock api key create PROFILE makes one)");
            return 0;
        }
        out.println(String.format("%-16s %-16s %-8s %-21s %s", "ID", "PROFILE", "STATE", "EXPIRES", "LAST USE"));
        for (ApiKeys.ApiKey k : keys) {
            out.println(String.format("%-16s %-16s %-8s %-21s %s", k.keyId(), airlock.daemon.core.Visible.text(k.profile()), k.state(now),
                    k.expires().map(Instant::toString).orElse("never"), k.lastUse().map(Instant::toString).orElse("never")));
        }
        return 0;
    }
}
