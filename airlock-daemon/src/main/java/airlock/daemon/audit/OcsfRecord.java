package airlock.daemon.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * One audit record as an OCSF 1.3 Process Activity event (class 1007, category System Activity),
 * for a SIEM: {@code airlock log --format ocsf}. The mapping is written down in
 * docs/audit-and-hooks.md; what OCSF has no attribute for (the profile, the refusing layer and
 * rule, the redaction counts, the hash chain's seq) goes under {@code unmapped}, never dropped.
 * Only request records map: the log's events (a reload, an approval) are not process activity.
 */
public final class OcsfRecord {
    static final int CLASS_UID = 1007;
    static final int CATEGORY_UID = 1;
    /** Activity: Launch (the tool ran, or would have, and was refused). */
    static final int LAUNCH = 1;
    static final String SCHEMA_VERSION = "1.3.0";

    private OcsfRecord() {}

    /** The OCSF event of an audit log line's record; empty for events and for what is not a request. */
    public static Optional<ObjectNode> of(JsonNode n, String product, String version, String hostname) {
        if (!n.path("type").asText().equals("request")) return Optional.empty();
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        String verdict = n.path("verdict").asText("");
        boolean allowed = verdict.equals("allowed");
        boolean check = n.path("mode").asText("run").equals("check");
        o.put("class_uid", CLASS_UID).put("class_name", "Process Activity");
        o.put("category_uid", CATEGORY_UID).put("category_name", "System Activity");
        o.put("activity_id", LAUNCH).put("activity_name", "Launch");
        o.put("type_uid", CLASS_UID * 100L + LAUNCH).put("type_name", "Process Activity: Launch");
        o.put("time", millis(n.path("time").asText()));
        // a refused launch is what a SIEM watches for: medium; a ran tool is informational
        o.put("severity_id", allowed ? 1 : 3).put("severity", allowed ? "Informational" : "Medium");
        // Security Control profile: what airlock decided
        o.put("action_id", allowed ? 1 : 2).put("action", allowed ? "Allowed" : "Denied");
        o.put("disposition_id", allowed ? 1 : 2).put("disposition", allowed ? "Allowed" : "Blocked");
        boolean ranOk = allowed && !check && n.path("exit_status").isNumber() && n.path("exit_status").asInt() == 0
                && n.path("signal").asInt(0) == 0;
        o.put("status_id", ranOk || allowed && check ? 1 : 2).put("status", ranOk || allowed && check ? "Success" : "Failure");
        if (n.path("exit_status").isNumber()) o.put("exit_code", n.path("exit_status").asInt());
        if (n.path("duration_ms").isNumber()) o.put("duration", n.path("duration_ms").asLong());
        o.put("message", message(n, verdict, check));

        ObjectNode meta = o.putObject("metadata");
        meta.put("version", SCHEMA_VERSION).put("uid", n.path("id").asText()).put("log_name", "airlock audit");
        meta.putObject("product").put("name", product).put("vendor_name", product).put("version", version);
        o.putObject("device").put("hostname", hostname).put("type_id", 0).put("type", "Unknown");

        // the caller: the kernel's peer (a process in a container), or a key holder
        ObjectNode actor = o.putObject("actor");
        JsonNode peer = n.path("peer");
        if (peer.isObject()) {
            ObjectNode caller = actor.putObject("process").put("pid", peer.path("pid").asLong());
            caller.putObject("user").put("uid", peer.path("uid").asText());
            if (!n.path("container_id").asText("").isEmpty()) caller.putObject("container").put("uid", n.path("container_id").asText());
            actor.putObject("user").put("uid", peer.path("uid").asText());
        }
        if (n.path("key_holder").isObject()) {
            actor.putObject("user").put("uid", n.path("key_holder").path("key_id").asText()).put("type", "API key");
            o.putObject("src_endpoint").put("ip", n.path("key_holder").path("remote_address").asText());
        }

        // the process airlock launched (or refused to): its host argv when judged, else the request
        ObjectNode process = o.putObject("process");
        process.put("name", n.path("command").asText());
        StringBuilder cmd = new StringBuilder();
        JsonNode argv = n.path("argv");
        if (argv.isArray() && !argv.isEmpty()) {
            argv.forEach(a -> cmd.append(cmd.isEmpty() ? "" : " ").append(a.asText()));
            process.putObject("file").put("path", argv.get(0).asText()).put("name", n.path("command").asText()).put("type_id", 1);
        } else {
            cmd.append(n.path("command").asText());
            n.path("args").forEach(a -> cmd.append(' ').append(a.asText()));
        }
        process.put("cmd_line", cmd.toString());
        if (n.path("host_cwd").isTextual()) process.put("working_directory", n.path("host_cwd").asText());

        ObjectNode unmapped = o.putObject("unmapped");
        unmapped.put("profile", n.path("profile").asText());
        unmapped.put("mode", n.path("mode").asText("run"));
        unmapped.put("verdict", verdict);
        for (String k : new String[]{"layer", "rule", "reason", "cwd", "module_sha256", "limit"}) {
            if (n.path(k).isTextual()) unmapped.put(k, n.path(k).asText());
        }
        for (String k : new String[]{"seq", "signal", "bytes_in", "bytes_out"}) {
            if (n.path(k).isNumber()) unmapped.put(k, n.path(k).asLong());
        }
        for (String k : new String[]{"secrets", "redactions", "original_args", "files_redacted", "files_unscanned", "shadow"}) {
            if (n.has(k)) unmapped.set(k, n.get(k));
        }
        return Optional.of(o);
    }

    private static String message(JsonNode n, String verdict, boolean check) {
        String what = n.path("command").asText() + " on profile " + n.path("profile").asText();
        if (check) return "dry run: " + what + " would be " + verdict;
        if (verdict.equals("allowed")) return what + " ran";
        return what + " " + verdict + " by the " + n.path("layer").asText("daemon") + " layer";
    }

    private static long millis(String time) {
        try {
            return Instant.parse(time).toEpochMilli();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }
}
