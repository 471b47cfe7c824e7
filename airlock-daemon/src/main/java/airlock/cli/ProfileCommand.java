package airlock.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "profile", header = "List, show, revoke, rotate or lock profiles.",
        description = "List the profiles or show one (with its state: active, locked, expires, expired, revoked); revoke, rotate or lock one.",
        subcommands = {ProfileListCommand.class, ProfileShowCommand.class, ProfileRevokeCommand.class,
                ProfileRotateCommand.class, ProfileLockCommand.class})
final class ProfileCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
