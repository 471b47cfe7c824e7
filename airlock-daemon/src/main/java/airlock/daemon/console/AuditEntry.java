package airlock.daemon.console;

import airlock.daemon.core.ShellWords;
import airlock.daemon.core.Visible;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One audit line as the console shows it: the fields a row needs, and the whole JSON for the
 * detail view (so fields added later, like redaction counts, show up without a change here).
 */
public record AuditEntry(long seq, String type, Optional<Instant> time, String profile, String command,
                         List<String> args, String outcome, String layer, String rule, String reason,
                         Integer exitStatus, long durationMs, JsonNode json) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Allowed, refused (withheld counts as refused: the caller did not get the result) or failed. */
    public enum Outcome { ALLOWED, REFUSED, FAILED, EVENT }

    /** Null for a line that is not an audit record (a torn write); --verify reports those. */
    public static AuditEntry parse(byte[] line) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (IOException e) {
            return null;
        }
        if (n == null || !n.isObject()) return null;
        List<String> args = new ArrayList<>();
        n.path("args").forEach(a -> args.add(a.asText()));
        Optional<Instant> time;
        try {
            time = Optional.of(Instant.parse(n.path("time").asText()));
        } catch (DateTimeParseException e) {
            time = Optional.empty();
        }
        String type = n.path("type").asText("");
        return new AuditEntry(n.path("seq").asLong(0), type, time, n.path("profile").asText(""),
                n.path("command").asText(type), List.copyOf(args), outcomeOf(n).name().toLowerCase(),
                text(n, "layer"), text(n, "rule"), text(n, "reason"),
                n.path("exit_status").isIntegralNumber() ? n.get("exit_status").asInt() : null,
                n.path("duration_ms").asLong(0), n);
    }

    static Outcome outcomeOf(JsonNode n) {
        if (!"request".equals(n.path("type").asText())) return Outcome.EVENT;
        return switch (n.path("verdict").asText()) {
            case "allowed" -> Outcome.ALLOWED;
            case "refused", "withheld" -> Outcome.REFUSED;
            default -> Outcome.FAILED;
        };
    }

    /**
     * What the {@code [shadow]} candidate would have done, where it differs from what happened
     * ({@code " · shadow: would be refused (module, rule push)"}); empty without the field.
     */
    public String shadowNote() {
        JsonNode s = json.path("shadow");
        if (!s.isObject()) return "";
        String by = text(s, "layer"), rule = text(s, "rule");
        return (layer.isEmpty() ? "" : " · ") + "shadow: would be " + text(s, "verdict")
                + (by.isEmpty() ? "" : " (" + by + (rule.isEmpty() ? "" : ", rule " + rule) + ")");
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? "" : v.asText();
    }

    /** How a key holder's request came ("https key ark_ID from ADDRESS"); "" for a process on this host. */
    public String via() {
        JsonNode h = json.path("key_holder");
        if (!h.isObject()) return "";
        return Visible.text(h.path("transport").asText("https") + " key " + h.path("key_id").asText("?") + " from "
                + h.path("remote_address").asText("?"));
    }

    /**
     * The row as the live feed sends it: only what a row shows, never the environment (records have
     * none). The browser sets it as text; what the agent chose arrives escaped already (Visible, and
     * the argv as {@code line}, quoted as the page quotes it), so no bidi control reaches the page.
     */
    public String rowJson() {
        var o = JSON.createObjectNode();
        o.put("seq", seq);
        o.put("time", time.map(Instant::toString).orElse(""));
        o.put("profile", Visible.text(profile));
        o.put("via", via());
        o.put("command", command);
        var a = o.putArray("args");
        args.forEach(x -> a.add(Visible.text(x)));
        List<String> argv = new ArrayList<>(List.of(command));
        argv.addAll(args);
        o.put("line", ShellWords.join(argv));
        o.put("outcome", outcome);
        o.put("layer", Visible.text(layer + shadowNote()));
        o.put("exit", exitStatus == null ? "" : exitStatus.toString());
        o.put("duration_ms", durationMs);
        return o.toString();
    }
}
