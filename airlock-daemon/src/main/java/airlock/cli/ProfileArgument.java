package airlock.cli;

import airlock.daemon.ConfigDirectory;
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
