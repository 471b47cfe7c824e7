package airlock.cli;

import airlock.daemon.vault.SecretEntry;
import airlock.daemon.vault.Vault;
import airlock.daemon.vault.VaultException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.concurrent.Callable;

@Command(name = "set", header = "Store a secret (the value from a prompt or stdin, never argv).",
        description = {"Store NAME's value in the vault: asked for without echo on a terminal, otherwise read from stdin",
                "(the bytes as given, one trailing newline removed). An existing NAME gets a new version.",
                "Values under 8 bytes are refused: they could not be redacted safely."})
final class SecretSetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Parameters(index = "0", paramLabel = "NAME", description = "Letters, digits and '_', not starting with a digit.")
    String name;
    @Option(names = "--description", paramLabel = "TEXT", description = "What the secret is for (shown by secret list).")
    String description;

    @Override
    public Integer call() throws IOException {
        var err = spec.commandLine().getErr();
        Vault vault = Vault.at(config.directory().vaultDir());
        byte[] value = null;
        try {
            airlock.daemon.vault.SecretName.require(name);
            value = SecretValueInput.read(Airlock.host(spec), "value for " + name + ": ", true);
            if (value == null || value.length == 0) {
                err.println("airlock: secret set: no value given for '" + name + "' (nothing was stored)");
                return 1;
            }
            SecretEntry e = vault.set(name, value, description);
            err.println("airlock: secret " + name + " " + (e.version() == 1 ? "added" : "replaced") + " (version " + e.version() + ")");
            return 0;
        } catch (VaultException e) {
            err.println(e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("airlock: secret set: " + e.getMessage());
            return 1;
        } finally {
            Vault.wipe(value);
        }
    }
}
