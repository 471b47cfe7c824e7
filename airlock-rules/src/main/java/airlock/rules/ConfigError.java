package airlock.rules;

/** A configuration file that cannot be used: names the file, the line (0 when unknown) and the key. */
public final class ConfigError extends Exception {
    private final String file;
    private final int line;
    private final String key;

    public ConfigError(String file, int line, String key, String problem) {
        super(file + (line > 0 ? ":" + line : "") + (key == null ? "" : ": key '" + key + "'") + ": " + problem);
        this.file = file;
        this.line = line;
        this.key = key;
    }

    public String file() { return file; }
    public int line() { return line; }
    public String key() { return key; }
}
