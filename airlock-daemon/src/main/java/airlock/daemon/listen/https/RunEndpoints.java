package airlock.daemon.listen.https;

import airlock.daemon.core.Caller;
import airlock.daemon.pipeline.CallerLink;
import airlock.daemon.runs.Run;
import airlock.daemon.runs.RunEvent;
import airlock.daemon.runs.Runs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API's runs ({@code /v1/runs...}, docs/api.md): the JSON codec over {@link Runs}, which
 * holds no HTTP. A key sees only its own profile's runs: another profile's id answers 404, as one
 * that never existed. The request body is hostile: a strict shape (unknown keys, duplicate keys
 * and wrong types refused), a NUL nowhere.
 */
final class RunEndpoints {
    private static final ObjectMapper JSON = ApiServer.JSON;
    /** How often an idle event stream says it is alive (a comment line), so proxies keep it open. */
    private static final long KEEPALIVE_MS = 15_000;

    private final Runs runs;

    RunEndpoints(Runs runs) {
        this.runs = runs;
    }

    /** Whether {@code path} is one of the runs' endpoints. */
    static boolean serves(String path) {
        return path.equals("/v1/runs") || path.startsWith("/v1/runs/");
    }

    void route(HttpExchange x, String method, String path, byte[] body, String profile, Caller.KeyHolder caller) throws IOException {
        if (path.equals("/v1/runs")) {
            switch (method) {
                case "POST" -> start(x, body, profile, caller);
                case "GET" -> list(x, profile);
                default -> notAllowed(x, "GET, POST");
            }
            return;
        }
        String rest = path.substring("/v1/runs/".length());
        if (rest.endsWith("/respond")) {
            if (method.equals("POST")) respond(x, rest.substring(0, rest.length() - "/respond".length()), body, profile, caller);
            else notAllowed(x, "POST");
            return;
        }
        boolean events = rest.endsWith("/events");
        String id = events ? rest.substring(0, rest.length() - "/events".length()) : rest;
        Optional<Run> run = id.indexOf('/') >= 0 || id.isEmpty() ? Optional.empty() : runs.get(profile, id);
        if (run.isEmpty()) {
            ApiServer.send(x, 404, ApiServer.error(runs.gone(profile, id)
                    .orElse("airlock: no run " + printable(id) + " for this profile (GET /v1/runs lists them)")));
            return;
        }
        if (events) {
            if (method.equals("GET")) stream(x, run.get());
            else notAllowed(x, "GET");
            return;
        }
        switch (method) {
            case "GET" -> ApiServer.send(x, 200, view(run.get(), true));
            case "DELETE" -> {
                runs.cancel(profile, id);
                ApiServer.send(x, 200, view(run.get(), false));
            }
            default -> notAllowed(x, "GET, DELETE");
        }
    }

    private void start(HttpExchange x, byte[] body, String profile, Caller.KeyHolder caller) throws IOException {
        Runs.Asked asked;
        try {
            asked = asked(body, profile, caller);
        } catch (BadRequest e) {
            ApiServer.send(x, 400, ApiServer.error("airlock: refused by the api layer: " + e.getMessage()));
            return;
        }
        Runs.Started started;
        try {
            started = runs.start(asked);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        switch (started) {
            case Runs.Started.Accepted a -> {
                ObjectNode o = JSON.createObjectNode();
                Run.View v = a.run().view();
                o.put("id", v.id());
                o.put("status", v.status().wire());
                ApiServer.send(x, 201, o);
            }
            case Runs.Started.Refused r -> {
                ApiServer.send(x, 403, refusedBy(ApiServer.error(r.refusal().message()), r.refusal()));
            }
            case Runs.Started.Invalid i -> ApiServer.send(x, 400, ApiServer.error(i.message()));
            case Runs.Started.Busy b -> {
                x.getResponseHeaders().set("Retry-After", "5");
                ApiServer.send(x, 429, ApiServer.error(b.message()));
            }
        }
    }

    /**
     * {@code POST /v1/runs/{id}/respond {"seq": N, "answer": "..."}}: the answer to the run's
     * pause {@code seq}. Taken once; a stale seq, a second answer or another profile's run
     * changes nothing (409, 404).
     */
    private void respond(HttpExchange x, String id, byte[] body, String profile, Caller.KeyHolder caller) throws IOException {
        long seq;
        String answer;
        try {
            JsonNode n;
            try {
                n = JSON.readTree(body);
            } catch (IOException e) {
                throw new BadRequest("the body is not JSON (" + firstLine(e.getMessage()) + ")");
            }
            if (n == null || !n.isObject()) throw new BadRequest("the body must be a JSON object {\"seq\": N, \"answer\": \"...\"}");
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!List.of("seq", "answer").contains(k)) throw new BadRequest("unknown key " + printable(k) + " (an answer takes seq, answer)");
            }
            JsonNode s = n.get("seq");
            if (s == null || !s.canConvertToLong() || !s.isIntegralNumber()) {
                throw new BadRequest("seq is required: the number of the pause answered (GET /v1/runs/ID shows it)");
            }
            seq = s.asLong();
            JsonNode a = n.get("answer");
            if (a == null || !a.isTextual()) throw new BadRequest("answer is required: a string");
            answer = a.asText();
        } catch (BadRequest e) {
            ApiServer.send(x, 400, ApiServer.error("airlock: refused by the api layer: " + e.getMessage()));
            return;
        }
        switch (runs.respond(profile, id, seq, answer.getBytes(StandardCharsets.UTF_8), "key " + caller.keyId() + " from "
                + caller.remoteAddress())) {
            case Runs.Answered.Taken t -> ApiServer.send(x, 200, view(t.run(), false));
            case Runs.Answered.Refused r -> ApiServer.send(x, switch (r.why()) {
                case NO_RUN -> 404;
                case NOT_WAITING -> 409;
                case TOO_LARGE -> 413;
            }, ApiServer.error(r.message()));
        }
    }

    /** The refused shape of a body, said to the client (it is the client's own input). */
    private static final class BadRequest extends Exception {
        BadRequest(String message) {
            super(message);
        }
    }

    private static Runs.Asked asked(byte[] body, String profile, Caller.KeyHolder caller) throws BadRequest {
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (IOException e) {
            throw new BadRequest("the body is not JSON (" + firstLine(e.getMessage()) + ")");
        }
        if (n == null || !n.isObject()) throw new BadRequest("the body must be a JSON object {\"command\": ..., \"args\": [...], \"files\": {...}, \"stdin\": ...}");
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!List.of("command", "args", "files", "stdin").contains(k)) {
                throw new BadRequest("unknown key " + printable(k) + " (a run takes command, args, files, stdin)");
            }
        }
        String command = text(n.get("command"), "command");
        if (command == null || command.isEmpty()) throw new BadRequest("command is required: the name of a command the profile allows");
        List<String> args = new ArrayList<>();
        JsonNode a = n.get("args");
        if (a != null && !a.isNull()) {
            if (!a.isArray()) throw new BadRequest("args must be a list of strings");
            for (JsonNode e : a) args.add(text(e, "args[" + args.size() + "]"));
        }
        Map<String, String> files = new LinkedHashMap<>();
        JsonNode f = n.get("files");
        if (f != null && !f.isNull()) {
            if (!f.isObject()) throw new BadRequest("files must be an object of file name to text");
            for (Iterator<Map.Entry<String, JsonNode>> it = f.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                files.put(e.getKey(), text(e.getValue(), "files." + printable(e.getKey())));
            }
        }
        String stdin = text(n.get("stdin"), "stdin");
        return new Runs.Asked(profile, caller, command, args, files, stdin == null ? new byte[0] : stdin.getBytes(StandardCharsets.UTF_8));
    }

    /** A string field, or null when absent; a NUL is refused (no argv, name or file content of a run can carry one usefully). */
    private static String text(JsonNode v, String what) throws BadRequest {
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new BadRequest(what + " must be a string");
        String s = v.asText();
        if (s.indexOf('\0') >= 0 && !what.startsWith("files.") && !what.equals("stdin")) throw new BadRequest(what + " contains a NUL character");
        return s;
    }

    private void list(HttpExchange x, String profile) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode list = o.putArray("runs");
        for (Run r : runs.of(profile)) list.add(view(r, false));
        ApiServer.send(x, 200, o);
    }

    /** A run as JSON; with {@code output}, its stdout and stderr as UTF-8 text (invalid bytes replaced). */
    private static ObjectNode view(Run run, boolean output) {
        Run.View v = run.view();
        ObjectNode o = JSON.createObjectNode();
        o.put("id", v.id());
        o.put("status", v.status().wire());
        o.put("command", v.command());
        ArrayNode args = o.putArray("args");
        v.args().forEach(args::add);
        o.put("key_id", v.keyId());
        if (v.exitCode() == null) o.putNull("exit_code");
        else o.put("exit_code", v.exitCode());
        if (v.signal() != 0) o.put("signal", v.signal());
        o.put("created", v.created().toString());
        o.put("ended", v.ended().map(Object::toString).orElse(null));
        v.refusal().ifPresent(r -> refusedBy(o, r));
        if (!v.error().isEmpty()) o.put("error", v.error());
        v.waiting().ifPresent(w -> {
            // the prompt was redacted like output before it was kept
            o.put("seq", w.seq());
            o.put("prompt", w.prompt());
            o.put("deadline", w.deadline().toString());
        });
        if (output) {
            // the bytes were redacted before they were kept; decoding replaces what is not UTF-8
            o.put("stdout", new String(run.output().stream(CallerLink.Output.STDOUT), StandardCharsets.UTF_8));
            o.put("stderr", new String(run.output().stream(CallerLink.Output.STDERR), StandardCharsets.UTF_8));
        }
        return o;
    }

    /**
     * {@code text/event-stream}: every event from the start (or after {@code Last-Event-ID}),
     * then the ones to come, until the run's {@code exit}. Output is base64 of the exact redacted
     * bytes, so nothing is lost to an encoding.
     */
    private static void stream(HttpExchange x, Run run) throws IOException {
        long from = 0;
        String last = x.getRequestHeaders().getFirst("Last-Event-ID");
        if (last != null && last.strip().matches("[0-9]{1,18}")) from = Long.parseLong(last.strip()) + 1;
        x.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        x.getResponseHeaders().set("Cache-Control", "no-store");
        x.sendResponseHeaders(200, 0);
        OutputStream out = x.getResponseBody();
        try {
            while (true) {
                List<RunEvent> events = run.output().from(from, KEEPALIVE_MS);
                if (events.isEmpty()) {
                    out.write(": waiting\n\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    continue;
                }
                StringBuilder b = new StringBuilder();
                boolean end = false;
                for (RunEvent e : events) {
                    b.append("id: ").append(e.seq()).append('\n');
                    switch (e) {
                        case RunEvent.Output o -> b.append("event: ").append(o.stream() == CallerLink.Output.STDOUT ? "stdout" : "stderr")
                                .append("\ndata: ").append(Base64.getEncoder().encodeToString(o.bytes())).append("\n\n");
                        case RunEvent.Prompt pr -> b.append("event: prompt\ndata: ").append(JSON.createObjectNode()
                                .put("seq", pr.seq()).put("prompt", new String(pr.text(), StandardCharsets.UTF_8))).append("\n\n");
                        case RunEvent.Status s -> b.append("event: status\ndata: ")
                                .append(JSON.createObjectNode().put("status", s.status().wire())).append("\n\n");
                        case RunEvent.Exit ex -> {
                            ObjectNode o = JSON.createObjectNode().put("status", ex.status().wire());
                            if (ex.exitCode() == null) o.putNull("exit_code");
                            else o.put("exit_code", ex.exitCode());
                            o.put("signal", ex.signal());
                            b.append("event: exit\ndata: ").append(o).append("\n\n");
                            end = true;
                        }
                    }
                    from = e.seq() + 1;
                }
                out.write(b.toString().getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (end) return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client stopped reading (it has what it wanted, or lost its connection and will
            // come back with Last-Event-ID): the run goes on, nothing to report
        }
    }

    /** The layer (lower case, as airlock test and the audit log name it) and the rule that refused. */
    private static ObjectNode refusedBy(ObjectNode o, airlock.daemon.core.Refusal r) {
        o.put("layer", r.decision().map(d -> d.layer().name().toLowerCase(java.util.Locale.ROOT)).orElse(null));
        o.put("rule", r.decision().map(d -> d.rule()).orElse(null));
        return o;
    }

    private static void notAllowed(HttpExchange x, String allow) throws IOException {
        x.getResponseHeaders().set("Allow", allow);
        ApiServer.send(x, 405, ApiServer.error("airlock: only " + allow + " is served here"));
    }

    private static String printable(String s) {
        String cut = s.length() > 60 ? s.substring(0, 60) + "..." : s;
        return "'" + cut.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }

    private static String firstLine(String s) {
        if (s == null) return "unreadable";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
