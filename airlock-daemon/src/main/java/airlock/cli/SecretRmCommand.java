package airlock.cli;

import airlock.daemon.vault.Vault;
import airlock.daemon.vault.VaultException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "rm", header = "Remove a secret from the vault.",
        description = "Remove NAME. Profiles that still name it stop loading (airlock check lists them).")
final class SecretRmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() throws IOException {
        var err = spec.commandLine().getErr();
        var dir = config.directory();
        try {
            if (!Vault.at(dir.vaultDir()).remove(name)) {
                err.println("airlock: secret rm: there is no secret '" + name + "'");
                return 1;
            }
        } catch (VaultException e) {
            err.println(e.getMessage());
            return 1;
        }
        err.println("airlock: secret " + name + " removed");
        List<String> users = SecretListCommand.usedBy(dir).getOrDefault(name, List.of());
        if (!users.isEmpty()) {
            err.println("airlock: profile(s) " + String.join(", ", users) + " still name it: the daemon will not load them until"
                    + " it is set again or their [secrets]/[redact] entry is removed");
        }
        return 0;
    }
}
