package airlock.rules;

import java.util.List;

/** config.toml: the ceiling of what exists ({@code [commands] enable}) and daemon settings. */
public record Config(List<String> enabled, LogSettings log, HookSettings hooks) {
    public Config {
        enabled = List.copyOf(enabled);
    }

    public Config(List<String> enabled, LogSettings log) {
        this(enabled, log, HookSettings.DEFAULT);
    }

    public boolean isEnabled(String command) {
        return enabled.contains(command);
    }

    /** {@code [hooks]}: how long a hook may run before it is killed and the request refused. */
    public record HookSettings(long timeoutSeconds) {
        public static final HookSettings DEFAULT = new HookSettings(30);
    }

    /**
     * {@code [log]}: audit log rotation, and where the log is written.
     *
     * @param path the audit log file as written in config.toml ({@code [log] path}, the original
     *             airlock's key): absolute, {@code ~/...}, or relative to the config directory;
     *             null for the default {@code <config>/audit/audit.ndjson}
     */
    public record LogSettings(long maxSizeMb, int maxFiles, String path) {
        public static final LogSettings DEFAULT = new LogSettings(10, 5);

        public LogSettings(long maxSizeMb, int maxFiles) {
            this(maxSizeMb, maxFiles, null);
        }
    }
}
