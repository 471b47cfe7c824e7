package airlock.cli;

import airlock.daemon.lifecycle.ProfileLifecycle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "revoke", header = "Revoke a profile at once.",
        description = {"Writes 'revoked = { at = ..., reason = ... }' at the top of the profile's file. The running daemon",
                "removes the profile's socket, stops its running sessions (their tools are killed, their shims exit 126",
                "with the reason) and refuses everything through it; a restart keeps it so. Deleting that line restores",
                "the profile."})
final class ProfileRevokeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ProfileArgument profile;
    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, shown to the agent and in the audit log.")
    String reason = "";

    @Override
    public Integer call() throws IOException {
        Optional<NamedProfile> found = profile.find();
        if (found.isEmpty()) return 1;
        NamedProfile p = found.get();
        return profile.report(ProfileLifecycle.revoke(profile.name, p.profile(), p.file(), reason), true);
    }
}
