package airlock.cli;

import airlock.daemon.vault.Vault;
import airlock.daemon.vault.VaultException;
import airlock.daemon.vault.VaultExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

@Command(name = "import", header = "Read secrets from an export; all or nothing.",
        description = {"Decrypt FILE (written by airlock secret export), check all of it, list the names it adds and",
                "replaces, then store them. A wrong passphrase, a truncated file or one changed byte imports nothing."})
final class SecretImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Mixin
    PassphraseOption passphrase;
    @Parameters(index = "0", paramLabel = "FILE")
    Path file;
    @Option(names = "--dry-run", description = "Only list what would be added and replaced.")
    boolean dryRun;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        char[] pass = null;
        try {
            pass = passphrase.passphrase(false);
            Vault vault = Vault.at(config.directory().vaultDir());
            VaultExport.Plan plan = VaultExport.read(vault, file.toAbsolutePath(), pass);
            for (String n : plan.added()) out.println("add      " + n);
            for (String n : plan.replaced()) out.println("replace  " + n);
            out.flush();
            if (dryRun) {
                err.println("airlock: --dry-run: nothing was imported");
                return 0;
            }
            VaultExport.apply(vault, plan);
            err.println("airlock: imported " + plan.items().size() + " secret(s) (" + plan.added().size() + " added, "
                    + plan.replaced().size() + " replaced)");
            return 0;
        } catch (VaultException e) {
            err.println(e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("airlock: secret import: " + e.getMessage() + " (nothing was imported)");
            return 1;
        } finally {
            if (pass != null) Arrays.fill(pass, '\0');
        }
    }
}
