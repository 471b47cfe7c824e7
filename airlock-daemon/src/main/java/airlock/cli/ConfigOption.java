package airlock.cli;

import airlock.daemon.ConfigDirectory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;

/** {@code --config DIR}, shared by every verb. */
public final class ConfigOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--config", paramLabel = "DIR",
            description = "Config directory (default: $XDG_CONFIG_HOME/airlock, i.e. ~/.config/airlock).")
    Path dir;

    public ConfigDirectory directory() {
        if (dir != null) return new ConfigDirectory(dir.toAbsolutePath().normalize());
        return new ConfigDirectory(Airlock.host(mixee).configHome().resolve("airlock"));
    }
}
