package airlock.cli;

import airlock.protocol.Limits;
import airlock.shim.Shim;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "version", header = "Print version information.",
        description = "Print airlock's version, the wire protocol version and the Java runtime.")
final class VersionCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        var out = spec.commandLine().getOut();
        out.println("airlock " + Shim.VERSION);
        out.println("protocol " + Limits.VERSION);
        out.println("java " + Runtime.version() + " (" + System.getProperty("java.vendor", "?") + ")");
    }
}
