package airlock.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads a TOML text into a tree and checks keys and types, so a typo never disables a rule silently. */
final class Toml {
    private static final TomlMapper MAPPER = new TomlMapper();
    private final String file;
    private final ObjectNode root;

    private Toml(String file, ObjectNode root) {
        this.file = file;
        this.root = root;
    }

    static Toml parse(String file, String text) throws ConfigError {
        try {
            JsonNode n = MAPPER.readTree(text);
            if (!(n instanceof ObjectNode o)) throw new ConfigError(file, 0, null, "not a TOML document");
            return new Toml(file, o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var loc = e.getLocation();
            throw new ConfigError(file, loc == null ? 0 : loc.getLineNr(), null, e.getOriginalMessage());
        }
    }

    ObjectNode root() { return root; }

    void onlyKeys(ObjectNode node, String where, Set<String> allowed) throws ConfigError {
        for (var it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new ConfigError(file, 0, where.isEmpty() ? k : where + "." + k, "unknown key (expected one of " + allowed + ")");
            }
        }
    }

    ObjectNode table(ObjectNode node, String key, String where) throws ConfigError {
        JsonNode v = node.get(key);
        if (v == null) return null;
        if (!(v instanceof ObjectNode o)) throw new ConfigError(file, 0, path(where, key), "must be a table");
        return o;
    }

    String string(ObjectNode node, String key, String where) throws ConfigError {
        JsonNode v = node.get(key);
        if (v == null) return null;
        if (!v.isTextual()) throw new ConfigError(file, 0, path(where, key), "must be a string");
        return v.asText();
    }

    Boolean bool(ObjectNode node, String key, String where) throws ConfigError {
        JsonNode v = node.get(key);
        if (v == null) return null;
        if (!v.isBoolean()) throw new ConfigError(file, 0, path(where, key), "must be true or false");
        return v.asBoolean();
    }

    Long integer(ObjectNode node, String key, String where) throws ConfigError {
        JsonNode v = node.get(key);
        if (v == null) return null;
        if (!v.isIntegralNumber()) throw new ConfigError(file, 0, path(where, key), "must be an integer");
        return v.asLong();
    }

    List<String> strings(ObjectNode node, String key, String where) throws ConfigError {
        JsonNode v = node.get(key);
        if (v == null) return null;
        if (!v.isArray()) throw new ConfigError(file, 0, path(where, key), "must be an array of strings");
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) throw new ConfigError(file, 0, path(where, key), "must be an array of strings");
            out.add(e.asText());
        }
        return out;
    }

    Map<String, String> stringMap(ObjectNode node, String key, String where) throws ConfigError {
        ObjectNode t = table(node, key, where);
        if (t == null) return null;
        Map<String, String> out = new LinkedHashMap<>();
        for (var it = t.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isTextual()) throw new ConfigError(file, 0, path(path(where, key), e.getKey()), "must be a string");
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    ConfigError error(String key, String problem) {
        return new ConfigError(file, 0, key, problem);
    }

    private static String path(String where, String key) {
        return where.isEmpty() ? key : where + "." + key;
    }
}
