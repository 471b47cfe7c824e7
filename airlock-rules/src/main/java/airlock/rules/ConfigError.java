package airlock.rules;

import java.util.List;

/**
 * A configuration file that cannot be used: names the file, the line (0 when unknown) and the key.
 * A loader reads the whole file and throws once at the end: the error is its first mistake (its
 * message is that mistake's alone, so the daemon's refusal stays one line) and {@link #all()}
 * holds every mistake of the file, in line order, for {@code airlock check}.
 */
public final class ConfigError extends Exception {
    private final String file;
    private final int line;
    private final String key;
    private final List<ConfigError> all;

    public ConfigError(String file, int line, String key, String problem) {
        super(file + (line > 0 ? ":" + line : "") + (key == null ? "" : ": key '" + key + "'") + ": " + problem);
        this.file = file;
        this.line = line;
        this.key = key;
        this.all = List.of(this);
    }

    private ConfigError(ConfigError first, List<ConfigError> all) {
        super(first.getMessage());
        this.file = first.file;
        this.line = first.line;
        this.key = first.key;
        this.all = List.copyOf(all);
    }

    /** The first of {@code errors} (as read), carrying all of them; {@code errors} must not be empty. */
    static ConfigError of(List<ConfigError> errors) {
        // stable: mistakes on one line (or of the whole file, line 0) keep the order they were read in
        List<ConfigError> flat = errors.stream().flatMap(e -> e.all().stream())
                .sorted(java.util.Comparator.comparingInt(ConfigError::line)).toList();
        if (flat.size() > 1) return new ConfigError(errors.getFirst(), flat);
        return flat.getFirst();
    }

    /** Every mistake found in the file, in line order; just this one for an error made on its own. */
    public List<ConfigError> all() { return all; }

    public String file() { return file; }
    public int line() { return line; }
    public String key() { return key; }
}
