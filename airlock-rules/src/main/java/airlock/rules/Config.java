package airlock.rules;

import java.util.List;

/** config.toml: the ceiling of what exists ({@code [commands] enable}) and daemon settings. */
public record Config(List<String> enabled, LogSettings log) {
    public Config {
        enabled = List.copyOf(enabled);
    }

    public boolean isEnabled(String command) {
        return enabled.contains(command);
    }

    /** {@code [log]}: audit log rotation. */
    public record LogSettings(long maxSizeMb, int maxFiles) {
        public static final LogSettings DEFAULT = new LogSettings(10, 5);
    }
}
