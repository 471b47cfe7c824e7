package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.audit.AuditFiles;
import airlock.rules.ConfigError;
import airlock.rules.ConfigLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The requests of the audit log that reached the Gate's decision, for {@code airlock test
 * --replay} and {@code airlock suggest}: each with what the Gate said then. A record says it only
 * through its fields, so: refused by one of the Gate's layers is the Gate's refusal; a plan (the
 * host argv) and no Gate refusal is the Gate's allowance (a hook, an approval, the vault or the
 * audit log may have refused after it); everything else (dry runs, the agent's own verbs, a
 * profile stopped or locked, a caller that lied, a broken request) never reached it and is left out.
 */
record RecordedRequests(List<Recorded> requests, Path log) {
    /** The layers the Gate judges; a refusal by any other came after it allowed, or before it judged. */
    static final Set<String> GATE_LAYERS = Set.of("config", "profile", "module", "mounts", "check", "sandbox");
    private static final Set<String> AFTER_GATE = Set.of("hook", "approval", "vault", "audit");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One request as the caller sent it (before a pre-exec hook's rewrite: the Gate judged that
     * first). {@code layer}/{@code rule} are the Gate's refusal, null when it allowed.
     */
    record Recorded(long seq, Instant time, String profile, String command, List<String> args, String cwd,
                    boolean allowed, String layer, String rule) {
        List<String> argv() {
            List<String> all = new ArrayList<>();
            all.add(command);
            all.addAll(args);
            return all;
        }
    }

    /** The audit log the daemon of {@code dir} writes: config.toml's {@code [log] path}, else the default. */
    static Path logOf(ConfigDirectory dir) throws IOException {
        Path cfg = dir.configFile();
        if (Files.isRegularFile(cfg)) {
            try {
                return dir.auditFile(ConfigLoader.config(cfg.toString(), Files.readString(cfg, StandardCharsets.UTF_8)).log());
            } catch (ConfigError e) {
                // the default log then; the caller's own load says what is wrong with config.toml
            }
        }
        return AuditFiles.current(dir.auditDir());
    }

    /** Every request since {@code since} (on {@code profile} when given), oldest first. */
    static RecordedRequests read(ConfigDirectory dir, Instant since, Optional<String> profile) throws IOException {
        Path log = logOf(dir);
        List<Recorded> out = new ArrayList<>();
        for (Path f : AuditFiles.oldestFirstOf(log)) {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                of(line).filter(r -> !r.time().isBefore(since) && profile.map(r.profile()::equals).orElse(true)).ifPresent(out::add);
            }
        }
        return new RecordedRequests(List.copyOf(out), log);
    }

    static Optional<Recorded> of(String line) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (IOException e) {
            return Optional.empty(); // a torn line: airlock log --verify reports it
        }
        if (n == null || !n.path("type").asText().equals("request") || !n.path("mode").asText().equals("run")) return Optional.empty();
        String command = n.path("command").asText("");
        if (command.isEmpty()) return Optional.empty();
        Instant time;
        try {
            time = Instant.parse(n.path("time").asText());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
        String verdict = n.path("verdict").asText();
        String layer = n.path("layer").isTextual() ? n.path("layer").asText() : null;
        boolean planned = n.path("argv").isArray();
        boolean allowed;
        if (verdict.equals("refused") && GATE_LAYERS.contains(layer)) allowed = false;
        else if (planned && (verdict.equals("allowed") || verdict.equals("withheld") || (verdict.equals("refused") && AFTER_GATE.contains(layer)))) allowed = true;
        else return Optional.empty();
        JsonNode args = n.has("original_args") ? n.path("original_args") : n.path("args");
        List<String> a = new ArrayList<>();
        args.forEach(x -> a.add(x.asText()));
        String cwd = n.has("original_cwd") ? n.path("original_cwd").asText() : n.path("cwd").asText();
        return Optional.of(new Recorded(n.path("seq").asLong(), time, n.path("profile").asText(), command, List.copyOf(a), cwd, allowed,
                allowed ? null : layer, allowed ? null : (n.path("rule").isTextual() ? n.path("rule").asText() : null)));
    }

    private static final Pattern AGO = Pattern.compile("([0-9]{1,6})([dhm])");

    /** {@code 7d}, {@code 12h}, {@code 30m} before {@code now}, or an instant ({@code 2026-12-01T00:00:00Z}). */
    static Instant since(String text, Instant now) {
        Matcher m = AGO.matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return now.minus(switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofMinutes(n);
            });
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is neither a time ago (7d, 12h, 30m) nor an instant (2026-12-01T00:00:00Z)");
        }
    }
}
