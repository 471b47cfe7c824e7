package airlock.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A JSON Schema validator for the part of draft 2020-12 that schemas/*.schema.json use: type,
 * properties, additionalProperties (false or a schema), required, items, enum, minimum, maximum,
 * minItems, minLength, pattern, anyOf, oneOf and $ref to #/$defs. Any other keyword in a schema
 * is an error here, so a schema cannot grow a rule this validator silently ignores.
 * (A library, networknt's json-schema-validator, would bring four jars for these 15 keywords.)
 */
final class SchemaSubset {
    private static final Set<String> KNOWN = Set.of("$schema", "$id", "$defs", "$ref", "title", "description", "format",
            "type", "properties", "additionalProperties", "required", "items", "enum", "minimum", "maximum", "minItems",
            "minLength", "pattern", "anyOf", "oneOf");
    private final JsonNode root;

    SchemaSubset(JsonNode root) {
        this.root = root;
    }

    /** Every violation, each as "PATH: what"; empty when {@code value} is valid. */
    List<String> validate(JsonNode value) {
        List<String> out = new ArrayList<>();
        check(root, value, "$", out);
        return out;
    }

    private void check(JsonNode schema, JsonNode v, String at, List<String> out) {
        for (var it = schema.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KNOWN.contains(k)) throw new IllegalArgumentException("schema keyword '" + k + "' is not in the subset SchemaSubset checks");
        }
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            if (!ref.startsWith("#/$defs/")) throw new IllegalArgumentException("only #/$defs/ references: " + ref);
            check(root.path("$defs").path(ref.substring("#/$defs/".length())), v, at, out);
        }
        if (schema.has("type") && !isType(v, schema.get("type").asText())) {
            out.add(at + ": must be " + schema.get("type").asText() + ", not " + v.getNodeType().name().toLowerCase());
            return;
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode e : schema.get("enum")) found |= e.equals(v);
            if (!found) out.add(at + ": must be one of " + schema.get("enum"));
        }
        if (schema.has("minimum") && v.isNumber() && v.asLong() < schema.get("minimum").asLong()) {
            out.add(at + ": must be at least " + schema.get("minimum"));
        }
        if (schema.has("maximum") && v.isNumber() && v.asLong() > schema.get("maximum").asLong()) {
            out.add(at + ": must be at most " + schema.get("maximum"));
        }
        if (schema.has("minLength") && v.isTextual() && v.asText().length() < schema.get("minLength").asInt()) {
            out.add(at + ": must have at least " + schema.get("minLength") + " characters");
        }
        if (schema.has("pattern") && v.isTextual() && !Pattern.compile(schema.get("pattern").asText()).matcher(v.asText()).find()) {
            out.add(at + ": '" + v.asText() + "' does not match " + schema.get("pattern").asText());
        }
        if (schema.has("minItems") && v.isArray() && v.size() < schema.get("minItems").asInt()) {
            out.add(at + ": must have at least " + schema.get("minItems") + " item(s)");
        }
        if (schema.has("items") && v.isArray()) {
            for (int i = 0; i < v.size(); i++) check(schema.get("items"), v.get(i), at + "[" + i + "]", out);
        }
        if (v.isObject()) {
            for (JsonNode r : schema.path("required")) {
                if (!v.has(r.asText())) out.add(at + ": missing required key '" + r.asText() + "'");
            }
            JsonNode props = schema.path("properties");
            JsonNode additional = schema.get("additionalProperties");
            for (var it = v.properties().iterator(); it.hasNext(); ) {
                var e = it.next();
                String where = at + "." + e.getKey();
                if (props.has(e.getKey())) check(props.get(e.getKey()), e.getValue(), where, out);
                else if (additional != null && additional.isBoolean() && !additional.asBoolean()) out.add(where + ": unknown key");
                else if (additional != null && additional.isObject()) check(additional, e.getValue(), where, out);
            }
        }
        if (schema.has("anyOf")) {
            boolean any = false;
            for (JsonNode s : schema.get("anyOf")) any |= passes(s, v, at);
            if (!any) out.add(at + ": matches none of anyOf");
        }
        if (schema.has("oneOf")) {
            int n = 0;
            for (JsonNode s : schema.get("oneOf")) if (passes(s, v, at)) n++;
            if (n != 1) out.add(at + ": must match exactly one of oneOf, matches " + n);
        }
    }

    private boolean passes(JsonNode schema, JsonNode v, String at) {
        List<String> sub = new ArrayList<>();
        check(schema, v, at, sub);
        return sub.isEmpty();
    }

    private static boolean isType(JsonNode v, String type) {
        return switch (type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "integer" -> v.isIntegralNumber();
            case "number" -> v.isNumber();
            case "boolean" -> v.isBoolean();
            default -> throw new IllegalArgumentException("type '" + type + "'");
        };
    }
}
