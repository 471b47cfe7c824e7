package airlock.cli;

import airlock.protocol.Limits;
import airlock.shim.Shim;
import com.fasterxml.jackson.core.JsonProcessingException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "version", header = "Print version information.",
        description = "Print airlock's version, the wire protocol version and the Java runtime.")
final class VersionCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "One JSON object: airlock, protocol, java, java_vendor.")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        var out = spec.commandLine().getOut();
        String vendor = System.getProperty("java.vendor", "?");
        if (json) {
            var o = ProfileJson.JSON.createObjectNode();
            o.put("airlock", Shim.VERSION);
            o.put("protocol", Limits.VERSION);
            o.put("java", Runtime.version().toString());
            o.put("java_vendor", vendor);
            out.println(VisibleJson.writer(ProfileJson.JSON, false).writeValueAsString(o));
            return 0;
        }
        out.println("airlock " + Shim.VERSION);
        out.println("protocol " + Limits.VERSION);
        out.println("java " + Runtime.version() + " (" + vendor + ")");
        return 0;
    }
}
