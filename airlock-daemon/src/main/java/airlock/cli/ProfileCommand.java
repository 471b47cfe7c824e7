package airlock.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "profile", header = "List the profiles or show one.",
        description = "List the profiles or show one.",
        subcommands = {ProfileListCommand.class, ProfileShowCommand.class})
final class ProfileCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
