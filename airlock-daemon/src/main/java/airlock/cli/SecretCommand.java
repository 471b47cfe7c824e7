package airlock.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "secret", header = "Keep secrets in the vault: set, list, remove, export, import.",
        description = {"Secrets are kept encrypted under <config>/vault and handed to one command for one run, as a profile's",
                "[secrets.CMD] grants them; every form of them is redacted from what the agent gets back.",
                "No command prints a value."},
        subcommands = {SecretSetCommand.class, SecretListCommand.class, SecretRmCommand.class,
                SecretExportCommand.class, SecretImportCommand.class})
final class SecretCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
