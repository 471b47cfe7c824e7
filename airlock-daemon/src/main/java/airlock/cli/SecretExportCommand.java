package airlock.cli;

import airlock.daemon.vault.Vault;
import airlock.daemon.vault.VaultException;
import airlock.daemon.vault.VaultExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

@Command(name = "export", header = "Write every secret to FILE, encrypted under a passphrase.",
        description = {"Write the whole vault to FILE (a new file, mode 0600): AES-256-GCM under a key from the passphrase",
                "(PBKDF2-HMAC-SHA256, 600,000 iterations, random salt). airlock secret import reads it back."})
final class SecretExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Mixin
    PassphraseOption passphrase;
    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        char[] pass = null;
        try {
            pass = passphrase.passphrase(true);
            int n = VaultExport.write(Vault.at(config.directory().vaultDir()), file.toAbsolutePath(), pass);
            err.println("airlock: exported " + n + " secret(s) to " + file.toAbsolutePath());
            return 0;
        } catch (VaultException e) {
            err.println(e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("airlock: secret export: " + e.getMessage() + " (nothing was written)");
            return 1;
        } finally {
            if (pass != null) Arrays.fill(pass, '\0');
        }
    }
}
