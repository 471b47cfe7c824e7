package airlock.cli;

import airlock.daemon.lifecycle.ProfileLifecycle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "rotate", header = "Give a profile a new socket (and a new key when locked).",
        description = {"Writes 'rotated = TIME' into the profile's file; the running daemon replaces the profile's socket",
                "by a new one at the same path. Every container that has the old one mounted (or a hard link to it)",
                "loses access and its running sessions stop; a new 'docker run' with the same path works. A locked",
                "profile gets a new key, printed once; the old key fails at once."})
final class ProfileRotateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ProfileArgument profile;

    @Override
    public Integer call() throws IOException {
        Optional<NamedProfile> found = profile.find();
        if (found.isEmpty()) return 1;
        NamedProfile p = found.get();
        return profile.report(ProfileLifecycle.rotate(profile.name, p.profile(), p.file()), false);
    }
}
