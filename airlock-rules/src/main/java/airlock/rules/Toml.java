package airlock.rules;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A TOML text read into a tree, with the line of every key, and strict typed access: an unknown
 * key or a wrong type anywhere is a {@link ConfigError} naming file, line and key, so a typo like
 * {@code [deny] arg = [...]} can never silently disable a rule.
 *
 * <p>A loader reads the document through {@link #read}: each independent part of it (a table, a
 * rule, a grant) goes through {@link #part}, which records that part's error and goes on with a
 * fallback, so one mistake does not hide the next; {@link #read} then throws them all at once.
 * Nothing read from a document with a recorded error ever leaves {@link #read}.
 */
final class Toml {
    private static final TomlMapper MAPPER = new TomlMapper();
    private final String file;
    private final Table root;
    private final Map<String, Integer> lines;
    private final List<ConfigError> errors = new ArrayList<>();

    /** A table of the document and its dotted path ("" for the root). */
    record Table(String path, ObjectNode node) {
        String child(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }
    }

    private Toml(String file, ObjectNode root, Map<String, Integer> lines) {
        this.file = file;
        this.root = new Table("", root);
        this.lines = lines;
    }

    static Toml parse(String file, String text) throws ConfigError {
        JsonNode n;
        try {
            n = MAPPER.readTree(text);
        } catch (JacksonException e) {
            var loc = e.getLocation();
            throw new ConfigError(file, loc == null ? 0 : Math.max(0, loc.getLineNr()), null,
                    "not valid TOML: " + e.getOriginalMessage());
        } catch (RuntimeException | StackOverflowError e) {
            // the TOML library failing on hostile input must still be a config error, not a crash
            throw new ConfigError(file, 0, null, "not valid TOML: " + e);
        }
        if (n == null || n.isMissingNode()) n = MAPPER.createObjectNode();
        if (!(n instanceof ObjectNode o)) throw new ConfigError(file, 0, null, "not a TOML document");
        return new Toml(file, o, TomlKeyLines.of(text));
    }

    /** A loader's reading of one document. */
    @FunctionalInterface
    interface Reader<T> {
        T read(Toml t) throws ConfigError;
    }

    /** One part of a document, read on its own. */
    @FunctionalInterface
    interface Part<T> {
        T read() throws ConfigError;
    }

    /** One part of a document whose reading has no value. */
    @FunctionalInterface
    interface Check {
        void run() throws ConfigError;
    }

    /**
     * Parses {@code text} and reads it with {@code reader}; throws every error the reading recorded
     * or threw (the first is the exception, {@link ConfigError#all()} has them all).
     */
    static <T> T read(String file, String text, Reader<T> reader) throws ConfigError {
        Toml t = parse(file, text);
        T value;
        try {
            value = reader.read(t);
        } catch (ConfigError e) {
            t.errors.add(e);
            value = null;
        }
        if (!t.errors.isEmpty()) throw ConfigError.of(t.errors);
        return value;
    }

    /**
     * Reads one part: its error is recorded and {@code fallback} stands in for it, so the parts
     * after it are still read. The fallback never reaches a caller ({@link #read} throws).
     */
    <T> T part(T fallback, Part<T> p) {
        try {
            return p.read();
        } catch (ConfigError e) {
            errors.add(e);
            return fallback;
        }
    }

    /** Records a mistake that leaves the rest of the part readable. */
    void report(ConfigError e) {
        errors.add(e);
    }

    void check(Check c) {
        try {
            c.run();
        } catch (ConfigError e) {
            errors.add(e);
        }
    }

    Table root() { return root; }

    int line(String path) {
        return TomlKeyLines.lineOf(lines, path);
    }

    ConfigError error(String path, String problem) {
        return new ConfigError(file, line(path), path.isEmpty() ? null : path, problem);
    }

    /** An error about element {@code index} of the array at {@code path}, on that element's line. */
    ConfigError elementError(String path, int index, String problem) {
        return new ConfigError(file, line(path + "[" + index + "]"), path, problem);
    }

    /** Records every unknown key of {@code t} (each on its own line); the known ones are still read. */
    void onlyKeys(Table t, Set<String> allowed) {
        for (var it = t.node().fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                errors.add(error(t.child(k), "unknown key (expected one of " + new TreeSet<>(allowed) + ")"));
            }
        }
    }

    Table table(Table t, String key) throws ConfigError {
        JsonNode v = t.node().get(key);
        if (v == null) return null;
        if (!(v instanceof ObjectNode o)) throw error(t.child(key), "must be a table, not " + kind(v));
        return new Table(t.child(key), o);
    }

    String string(Table t, String key) throws ConfigError {
        JsonNode v = t.node().get(key);
        if (v == null) return null;
        if (!v.isTextual()) throw error(t.child(key), "must be a string, not " + kind(v));
        return v.asText();
    }

    Boolean bool(Table t, String key) throws ConfigError {
        JsonNode v = t.node().get(key);
        if (v == null) return null;
        if (!v.isBoolean()) throw error(t.child(key), "must be true or false, not " + kind(v));
        return v.asBoolean();
    }

    /** An integer key between {@code min} and {@code max} (an error with its line otherwise), or {@code otherwise} when absent. */
    long integerWithin(Table t, String key, long min, long max, long otherwise) throws ConfigError {
        Long v = integer(t, key);
        if (v == null) return otherwise;
        if (v < min || v > max) throw error(t.child(key), "must be between " + min + " and " + max);
        return v;
    }

    Long integer(Table t, String key) throws ConfigError {
        JsonNode v = t.node().get(key);
        if (v == null) return null;
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw error(t.child(key), "must be an integer, not " + kind(v));
        return v.asLong();
    }

    /**
     * A TOML offset date-time (the TOML library hands it over as text). A local date-time is
     * refused: it names a different instant on every host, and an expiry must not move.
     */
    java.time.Instant instant(Table t, String key) throws ConfigError {
        JsonNode v = t.node().get(key);
        if (v == null) return null;
        if (!v.isTextual()) throw error(t.child(key), "must be a date-time with an offset (2026-12-31T18:00:00Z), not " + kind(v));
        String s = v.asText().strip().replace(' ', 'T');
        try {
            return java.time.OffsetDateTime.parse(s).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            try {
                java.time.LocalDateTime.parse(s);
                throw error(t.child(key), "'" + v.asText() + "' has no offset, so it would mean a different instant on every host;"
                        + " write it with Z or an offset, e.g. " + s + "Z or " + s + "+01:00");
            } catch (java.time.format.DateTimeParseException notLocal) {
                throw error(t.child(key), "'" + v.asText() + "' is not a date-time with an offset, e.g. 2026-12-31T18:00:00Z");
            }
        }
    }

    List<String> strings(Table t, String key) throws ConfigError {
        JsonNode v = t.node().get(key);
        if (v == null) return null;
        String path = t.child(key);
        if (!v.isArray()) throw error(path, "must be an array of strings, not " + kind(v));
        List<String> out = new ArrayList<>();
        int index = 0;
        for (JsonNode e : v) {
            if (!e.isTextual()) throw elementError(path, index, "element " + (index + 1) + " must be a string, not " + kind(e));
            out.add(e.asText());
            index++;
        }
        return out;
    }

    /**
     * An array whose elements are strings or inline tables ({@code { match = "...", why = "..." }}):
     * each string as is, each table as a {@link Table} at {@code key[i]}. Null when absent.
     */
    List<Object> stringsOrTables(Table t, String key) throws ConfigError {
        JsonNode v = t.node().get(key);
        if (v == null) return null;
        String path = t.child(key);
        if (!v.isArray()) throw error(path, "must be an array of strings, not " + kind(v));
        List<Object> out = new ArrayList<>();
        int index = 0;
        for (JsonNode e : v) {
            if (e.isTextual()) out.add(e.asText());
            else if (e instanceof ObjectNode o) out.add(new Table(path + "[" + index + "]", o));
            else throw elementError(path, index, "element " + (index + 1) + " must be a string or an inline table, not " + kind(e));
            index++;
        }
        return out;
    }

    /** A table of integers ({@code { "--rawfile" = 2 }}). */
    Map<String, Long> integerMap(Table t, String key) throws ConfigError {
        Table m = table(t, key);
        if (m == null) return null;
        Map<String, Long> out = new LinkedHashMap<>();
        for (var it = m.node().properties().iterator(); it.hasNext(); ) {
            var e = it.next();
            JsonNode v = e.getValue();
            if (!v.isIntegralNumber() || !v.canConvertToLong()) throw error(m.child(e.getKey()), "must be an integer, not " + kind(v));
            out.put(e.getKey(), v.asLong());
        }
        return out;
    }

    Map<String, String> stringMap(Table t, String key) throws ConfigError {
        Table m = table(t, key);
        if (m == null) return null;
        Map<String, String> out = new LinkedHashMap<>();
        for (var it = m.node().properties().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isTextual()) throw error(m.child(e.getKey()), "must be a string, not " + kind(e.getValue()));
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static String kind(JsonNode v) {
        if (v.isTextual()) return "a string";
        if (v.isBoolean()) return "a boolean";
        if (v.isIntegralNumber()) return "an integer";
        if (v.isNumber()) return "a number";
        if (v.isArray()) return "an array";
        if (v.isObject()) return "a table";
        return "a " + v.getNodeType().name().toLowerCase();
    }
}
