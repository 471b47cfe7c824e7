package airlock.daemon.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The control socket's wire form of {@link HostOp} and {@link HostReply}, one JSON object per line
 * each way, used by both ends (the daemon's control socket and the CLI), so neither builds JSON
 * by hand: {@code {"op":"list"}}, {@code {"op":"reload"}},
 * {@code {"op":"approve","id":..,"binding":..,"by":..}},
 * {@code {"op":"deny","id":..,"binding":..,"by":..,"reason":..}}; answers
 * {@code {"ok":true,...}} or {@code {"ok":false,"error":..}}.
 */
public final class HostWire {
    public static final ObjectMapper JSON = new ObjectMapper();

    private HostWire() {}

    /** A request as sent: the operation and who the client says it is (shown, never trusted). */
    public static ObjectNode request(HostOp op, String says) {
        ObjectNode n = JSON.createObjectNode().put("op", HostOps.name(op));
        switch (op) {
            case HostOp.ListWaiting l -> { }
            case HostOp.Reload r -> { }
            case HostOp.Approve a -> n.put("id", a.id()).put("binding", a.binding()).put("by", says);
            case HostOp.Deny d -> n.put("id", d.id()).put("binding", d.binding()).put("by", says).put("reason", d.reason());
        }
        return n;
    }

    /** The operation a request names; empty for one this daemon does not know. */
    public static Optional<HostOp> op(JsonNode q) {
        String id = q.path("id").asText("");
        String binding = q.path("binding").asText("");
        return switch (q.path("op").asText("")) {
            case "list" -> Optional.of(new HostOp.ListWaiting());
            case "reload" -> Optional.of(new HostOp.Reload());
            case "approve" -> Optional.of(new HostOp.Approve(id, binding));
            case "deny" -> Optional.of(new HostOp.Deny(id, binding, q.path("reason").asText("").replaceAll("\\p{Cntrl}", "?")));
            default -> Optional.empty();
        };
    }

    /** Who the client says it is: free text, recorded beside the kernel's credentials. */
    public static String says(JsonNode q) {
        return q.path("by").asText("");
    }

    public static ObjectNode reply(HostReply r) {
        return switch (r) {
            case HostReply.Waiting w -> {
                ObjectNode n = JSON.createObjectNode().put("ok", true);
                n.set("pending", pending(w.pending()));
                yield n;
            }
            case HostReply.Decided d -> {
                ObjectNode n = JSON.createObjectNode().put("ok", true).put("id", d.request().id());
                n.set("request", pending(List.of(d.request())).get(0));
                yield n;
            }
            case HostReply.Reloaded x -> JSON.createObjectNode().put("ok", true);
            case HostReply.Refused f -> error(f.message());
        };
    }

    public static ObjectNode error(String message) {
        return JSON.createObjectNode().put("ok", false).put("error", message);
    }

    /** The waiting requests as {@code airlock approvals --json} prints them. */
    public static ArrayNode pending(List<WaitingRequest> list) {
        ArrayNode a = JSON.createArrayNode();
        for (WaitingRequest p : list) {
            ObjectNode n = a.addObject().put("id", p.id()).put("profile", p.profile()).put("container", p.container())
                    .put("uid", p.uid()).put("cwd", p.cwd()).put("rule", p.rule()).put("asked", p.asked().toString())
                    .put("deadline", p.deadline().toString()).put("binding", p.binding());
            ArrayNode argv = n.putArray("argv");
            p.argv().forEach(argv::add);
        }
        return a;
    }

    /** The daemon's answer to {@code op}, read back into a {@link HostReply}. */
    public static HostReply reply(HostOp op, JsonNode answer) {
        if (!answer.path("ok").asBoolean()) return new HostReply.Refused(answer.path("error").asText("airlock: the daemon refused"));
        return switch (op) {
            case HostOp.ListWaiting l -> {
                List<WaitingRequest> out = new ArrayList<>();
                for (JsonNode p : answer.path("pending")) out.add(pending(p));
                yield new HostReply.Waiting(out);
            }
            case HostOp.Reload r -> new HostReply.Reloaded();
            case HostOp.Approve a -> new HostReply.Decided(pending(answer.path("request")));
            case HostOp.Deny d -> new HostReply.Decided(pending(answer.path("request")));
        };
    }

    private static WaitingRequest pending(JsonNode p) {
        List<String> argv = new ArrayList<>();
        p.path("argv").forEach(a -> argv.add(a.asText()));
        return new WaitingRequest(p.path("id").asText(), p.path("profile").asText(), p.path("container").asText(),
                p.path("uid").asLong(), argv, p.path("cwd").asText(), p.path("rule").asText(), instant(p.path("asked")),
                instant(p.path("deadline")), p.path("binding").asText());
    }

    private static Instant instant(JsonNode n) {
        try {
            return Instant.parse(n.asText());
        } catch (java.time.format.DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}
