package airlock.cli;

/**
 * The {@code #:schema URL} first line that names a file's JSON Schema (schemas/ in the
 * repository) to an editor: taplo and the editors built on it (VS Code's Even Better TOML,
 * Helix, Zed) then complete and check every key as it is typed. To TOML it is a comment: the
 * daemon reads past it. {@code airlock init} writes it into the files it creates, the built-in
 * modules carry it, and {@code airlock eject} keeps it (or adds it to a module without one).
 */
enum SchemaLine {
    CONFIG("config"), PROFILE("profile"), MODULE("module");

    /** Where schemas/ is published: the repository's main branch, raw. */
    static final String BASE = "https://raw.githubusercontent.com/airlock/airlock/main/schemas/";

    private final String kind;

    SchemaLine(String kind) {
        this.kind = kind;
    }

    String url() {
        return BASE + kind + ".schema.json";
    }

    /** The line itself, with its newline. */
    String line() {
        return "#:schema " + url() + "\n";
    }

    /** {@code text} with this line first: as it is when its first line names a schema already. */
    String firstIn(String text) {
        return text.startsWith("#:schema ") ? text : line() + text;
    }
}
