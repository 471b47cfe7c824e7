package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.lifecycle.ProfileLifecycle;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.Optional;

/** The profile verbs' shared argument: NAME, with --config, found and loaded. */
final class ProfileArgument {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Parameters(paramLabel = "NAME", description = "The profile.")
    String name;

    ConfigDirectory directory() {
        return config.directory();
    }

    /**
     * Says what a lifecycle change did: a key on stdout (alone, so it can be piped), the message
     * and what the running daemon did on {@code messageOut} (stdout) or stderr; 1 when refused.
     */
    int report(ProfileLifecycle.Change change, boolean messageOnStdout) {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        if (change instanceof ProfileLifecycle.Change.Refused r) {
            err.println(r.message());
            return 1;
        }
        if (change instanceof ProfileLifecycle.Change.KeyIssued k) out.println(k.key());
        (messageOnStdout ? out : err).println(change.message() + "; " + NamedProfile.applyNow(directory()));
        return 0;
    }

    /** The profile, or empty after saying on stderr why there is none. */
    Optional<NamedProfile> find() throws IOException {
        try {
            return Optional.of(NamedProfile.find(directory(), name));
        } catch (NamedProfile.NotFound e) {
            spec.commandLine().getErr().println(e.getMessage());
            return Optional.empty();
        }
    }
}
