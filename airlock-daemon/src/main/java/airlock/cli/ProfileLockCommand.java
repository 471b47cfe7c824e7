package airlock.cli;

import airlock.daemon.lifecycle.ProfileLifecycle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "lock", header = "Require a key on a profile's socket.",
        description = {"A second factor for a socket several containers share: prints a key ark_ID:SECRET once (it is",
                "stored nowhere; the profile's file keeps only what verifies it). From then the profile accepts only",
                "requests that carry it: give it to a container as AIRLOCK_KEY or as the file /run/airlock/key.",
                "'airlock profile rotate' issues a new key; deleting the 'lock' line unlocks."})
final class ProfileLockCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ProfileArgument profile;

    @Override
    public Integer call() throws IOException {
        Optional<NamedProfile> found = profile.find();
        if (found.isEmpty()) return 1;
        NamedProfile p = found.get();
        return profile.report(ProfileLifecycle.lock(profile.name, p.profile(), p.file()), false);
    }
}
