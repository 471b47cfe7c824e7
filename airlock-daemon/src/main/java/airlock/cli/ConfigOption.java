package airlock.cli;

import airlock.daemon.ConfigDirectory;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --config DIR}, shared by every verb. */
public final class ConfigOption {
    @Option(names = "--config", paramLabel = "DIR", description = "Config directory (default: ~/.config/airlock).")
    Path dir;

    public ConfigDirectory directory() {
        return new ConfigDirectory(dir != null ? dir : ConfigDirectory.defaultRoot());
    }
}
