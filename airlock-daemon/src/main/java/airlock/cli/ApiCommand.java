package airlock.cli;

import airlock.daemon.ConfigDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.nio.file.Path;

@Command(name = "api", header = "The HTTPS API for remote agents: its address and certificate, and its keys.",
        description = {"Remote agents sign every request with a profile's API key ([api] listen in config.toml; see docs/api.md)."},
        subcommands = {ApiInfoCommand.class, ApiKeyCommand.class})
final class ApiCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** {@code <config>/api}: the certificate, the keys, the running API's address. */
    static Path dir(ConfigDirectory dir) {
        return dir.root().resolve("api");
    }

    static Path keysDir(ConfigDirectory dir) {
        return dir(dir).resolve("keys");
    }
}
