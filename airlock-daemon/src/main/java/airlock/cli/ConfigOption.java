package airlock.cli;

import airlock.daemon.ConfigDirectory;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code --config DIR}, shared by every verb. The default comes from the {@link Host} the command
 * tree was made with, handed over at construction by {@link Airlock.HostFactory}: a mixin cannot find
 * it through its mixee's spec, because a mixin nested in another mixin (this one in
 * {@link ProfileArgument}) gets the outer mixin's detached spec as its mixee, whose root is not the
 * tree (that crashed every {@code airlock profile revoke|rotate|lock NAME} without {@code --config}).
 */
public final class ConfigOption {
    private final Host host;

    ConfigOption(Host host) {
        this.host = host;
    }

    @Option(names = "--config", paramLabel = "DIR",
            description = "Config directory (default: $AIRLOCK_CONFIG, else $XDG_CONFIG_HOME/airlock, i.e. ~/.config/airlock).")
    Path dir;

    public ConfigDirectory directory() {
        if (dir != null) return new ConfigDirectory(dir.toAbsolutePath().normalize());
        // An image sets AIRLOCK_CONFIG=/data once, so 'docker exec C airlock secret set ...' and the
        // daemon agree on the volume without --config on every verb. Absolute only: a relative
        // value would name a different directory in every working directory.
        String env = host.env().get("AIRLOCK_CONFIG");
        if (env != null && env.startsWith("/")) return new ConfigDirectory(Path.of(env).normalize());
        return new ConfigDirectory(host.configHome().resolve("airlock"));
    }
}
