package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.listen.https.ApiKeys;
import airlock.daemon.vault.Vault;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.time.Clock;

@Command(name = "key", header = "Create, list and revoke API keys (one per remote agent).",
        description = {"A key is ark_ID:SECRET, shown once by 'create'. Its secret is sealed under the vault's master key;",
                "the running daemon reads the keys on every request, so a new or revoked key counts at once."},
        subcommands = {ApiKeyCreateCommand.class, ApiKeyListCommand.class, ApiKeyRevokeCommand.class})
final class ApiKeyCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    static ApiKeys keys(ConfigDirectory dir) {
        return new ApiKeys(ApiCommand.keysDir(dir), Vault.at(dir.vaultDir()), Clock.systemUTC());
    }
}
