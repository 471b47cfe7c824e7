package airlock.daemon.hooks;

import airlock.rules.Decision;
import airlock.rules.Layer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hook layer: pre-exec hooks may proceed, rewrite (args and cwd only) or refuse a request;
 * post-exec hooks may pass, rewrite or withhold a result. Hooks fail closed: a hook that is
 * present but cannot run, times out, or answers something unreadable refuses the request.
 */
public final class Hooks {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final int MAX_PRE_EXEC_ANSWER = 4 * 1024 * 1024;
    private static final int MAX_MESSAGE = 2000;

    private final Path configRoot;
    private final HookSettings settings;

    public Hooks(Path configRoot, HookSettings settings) {
        this.configRoot = configRoot;
        this.settings = settings;
    }

    public HookSettings settings() {
        return settings;
    }

    /** What pre-exec decided. */
    public sealed interface PreExec {
        /** Go on with {@code request}; when {@code rewritten}, every layer must judge it again. */
        record Proceed(HookRequest request, boolean rewritten) implements PreExec {}

        record Refuse(Decision decision) implements PreExec {}
    }

    /** The tool's result as the caller would get it. */
    public record Result(int exitStatus, int signal, byte[] stdout, byte[] stderr) {}

    public sealed interface PostExec {
        record Deliver(Result result) implements PostExec {}

        /** The output is withheld; the caller gets the message on stderr and exit 126. */
        record Withhold(Decision decision) implements PostExec {}
    }

    /**
     * Runs the pre-exec hooks in order, each seeing the request as the one before rewrote it.
     * {@code remap} turns a rewritten container cwd into the host cwd, or null when it is outside
     * the mounts (then the request is refused here, the mounts layer speaking).
     */
    public PreExec preExec(HookRequest request, java.util.function.Function<String, String> remap) throws InterruptedException {
        boolean rewritten = false;
        for (Path hook : HookFiles.inOrder(configRoot, request.profile(), HookFiles.Stage.PRE_EXEC)) {
            if (!HookRunner.present(hook)) continue;
            String rule = rule(hook);
            HookRunner.Output out;
            try {
                out = HookRunner.run(hook, "pre-exec", bytes(request.toJson("pre-exec")), env(request), configRoot,
                        settings.timeout(), MAX_PRE_EXEC_ANSWER);
            } catch (HookRunner.HookFailure e) {
                return new PreExec.Refuse(Decision.deny(Layer.HOOK, rule, e.getMessage()));
            }
            if (out.exit() != 0) {
                return new PreExec.Refuse(Decision.deny(Layer.HOOK, rule, message(out, "exit status " + out.exit())));
            }
            if (blank(out.stdout())) continue;
            try {
                JsonNode answer = parse(out.stdout());
                List<String> args = request.args();
                String cwd = request.cwd();
                only(answer, Set.of("args", "cwd"));
                if (answer.has("args")) args = strings(answer.get("args"), "args");
                if (answer.has("cwd")) {
                    if (!answer.get("cwd").isTextual()) throw new BadAnswer("\"cwd\" must be a string");
                    cwd = answer.get("cwd").asText();
                }
                String hostCwd = cwd.equals(request.cwd()) ? request.hostCwd() : remap.apply(cwd);
                if (hostCwd == null) {
                    return new PreExec.Refuse(Decision.deny(Layer.MOUNTS, null,
                            "working directory " + cwd + " (rewritten by " + rule + ") is outside the profile's [mounts]"));
                }
                request = request.withArgsAndCwd(args, cwd, hostCwd);
                rewritten = true;
            } catch (BadAnswer e) {
                return new PreExec.Refuse(Decision.deny(Layer.HOOK, rule, "the hook's answer is not a rewrite: " + e.getMessage()));
            }
        }
        return new PreExec.Proceed(request, rewritten);
    }

    public boolean hasPostExec(String profile) {
        return HookFiles.inOrder(configRoot, profile, HookFiles.Stage.POST_EXEC).stream().anyMatch(HookRunner::present);
    }

    /** Runs the post-exec hooks in order, each seeing the result as the one before rewrote it. */
    public PostExec postExec(HookRequest request, Result result) throws InterruptedException {
        int maxAnswer = (int) Math.min(Integer.MAX_VALUE - 1024, settings.maxBufferedOutput() * 2L + 64 * 1024);
        for (Path hook : HookFiles.inOrder(configRoot, request.profile(), HookFiles.Stage.POST_EXEC)) {
            if (!HookRunner.present(hook)) continue;
            String rule = rule(hook);
            ObjectNode in = request.toJson("post-exec");
            in.put("exit_status", result.exitStatus());
            in.put("signal", result.signal());
            in.put("stdout_base64", Base64.getEncoder().encodeToString(result.stdout()));
            in.put("stderr_base64", Base64.getEncoder().encodeToString(result.stderr()));
            HookRunner.Output out;
            try {
                out = HookRunner.run(hook, "post-exec", bytes(in), env(request), configRoot, settings.timeout(), maxAnswer);
            } catch (HookRunner.HookFailure e) {
                return new PostExec.Withhold(Decision.deny(Layer.HOOK, rule, e.getMessage()));
            }
            if (out.exit() != 0) {
                return new PostExec.Withhold(Decision.deny(Layer.HOOK, rule, message(out, "exit status " + out.exit())));
            }
            if (blank(out.stdout())) continue;
            try {
                JsonNode answer = parse(out.stdout());
                only(answer, Set.of("exit_status", "stdout", "stdout_base64", "stderr", "stderr_base64"));
                int status = result.exitStatus();
                if (answer.has("exit_status")) {
                    JsonNode s = answer.get("exit_status");
                    if (!s.isInt() || s.asInt() < 0 || s.asInt() > 255) throw new BadAnswer("\"exit_status\" must be an integer 0-255");
                    status = s.asInt();
                }
                byte[] stdout = output(answer, "stdout", result.stdout());
                byte[] stderr = output(answer, "stderr", result.stderr());
                if ((long) stdout.length + stderr.length > settings.maxBufferedOutput()) {
                    throw new BadAnswer("rewritten output is over the limit of " + settings.maxBufferedOutput() + " bytes");
                }
                // A rewritten status is a plain exit: the signal the tool died of no longer applies.
                int signal = answer.has("exit_status") ? 0 : result.signal();
                result = new Result(status, signal, stdout, stderr);
            } catch (BadAnswer e) {
                return new PostExec.Withhold(Decision.deny(Layer.HOOK, rule, "the hook's answer is not a rewrite: " + e.getMessage()));
            }
        }
        return new PostExec.Deliver(result);
    }

    private static byte[] output(JsonNode answer, String name, byte[] unchanged) throws BadAnswer {
        boolean text = answer.has(name), b64 = answer.has(name + "_base64");
        if (text && b64) throw new BadAnswer("give \"" + name + "\" or \"" + name + "_base64\", not both");
        if (text) {
            if (!answer.get(name).isTextual()) throw new BadAnswer("\"" + name + "\" must be a string");
            return answer.get(name).asText().getBytes(StandardCharsets.UTF_8);
        }
        if (b64) {
            if (!answer.get(name + "_base64").isTextual()) throw new BadAnswer("\"" + name + "_base64\" must be a string");
            try {
                return Base64.getDecoder().decode(answer.get(name + "_base64").asText());
            } catch (IllegalArgumentException e) {
                throw new BadAnswer("\"" + name + "_base64\" is not base64");
            }
        }
        return unchanged;
    }

    private static final class BadAnswer extends Exception {
        BadAnswer(String message) {
            super(message);
        }
    }

    private static JsonNode parse(byte[] stdout) throws BadAnswer {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(stdout)).toString();
            JsonNode n = JSON.readTree(text);
            if (n == null || !n.isObject()) throw new BadAnswer("stdout must be empty or one JSON object");
            return n;
        } catch (CharacterCodingException e) {
            throw new BadAnswer("stdout is not UTF-8");
        } catch (JsonProcessingException e) {
            throw new BadAnswer("stdout is not JSON: " + e.getOriginalMessage());
        }
    }

    /** A typo in a key must not silently leave the request unchanged. */
    private static void only(JsonNode n, Set<String> keys) throws BadAnswer {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!keys.contains(k)) throw new BadAnswer("unknown key \"" + k + "\" (allowed: " + String.join(", ", keys.stream().sorted().toList()) + ")");
        }
    }

    private static List<String> strings(JsonNode n, String name) throws BadAnswer {
        if (!n.isArray()) throw new BadAnswer("\"" + name + "\" must be an array of strings");
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual()) throw new BadAnswer("\"" + name + "\" must be an array of strings");
            out.add(e.asText());
        }
        return out;
    }

    private static boolean blank(byte[] b) {
        for (byte x : b) if (x != ' ' && x != '\n' && x != '\r' && x != '\t') return false;
        return true;
    }

    /** The hook's own words (stderr, else stdout), one line, no control characters. */
    private static String message(HookRunner.Output out, String fallback) {
        byte[] b = blank(out.stderr()) ? out.stdout() : out.stderr();
        String s = new String(b, StandardCharsets.UTF_8).strip().replaceAll("\\p{Cntrl}+", " ");
        if (s.isEmpty()) return "the hook refused (" + fallback + ") without a message";
        return s.length() > MAX_MESSAGE ? s.substring(0, MAX_MESSAGE) + "..." : s;
    }

    private String rule(Path hook) {
        return configRoot.relativize(hook).toString();
    }

    private Map<String, String> env(HookRequest r) {
        String home = System.getProperty("user.home");
        return Map.of("HOME", home == null ? "/" : home, "AIRLOCK_PROFILE", r.profile(),
                "AIRLOCK_CONFIG", configRoot.toAbsolutePath().toString());
    }

    private static byte[] bytes(ObjectNode o) {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always encodes", e);
        }
    }
}
