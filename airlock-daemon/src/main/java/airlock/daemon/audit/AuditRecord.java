package airlock.daemon.audit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * What the audit log says about one request. The session fills it in as the request moves
 * through the pipeline and hands it to {@link AuditLog#append} once, before the last frame.
 * It has no field for the environment on purpose: the caller's env may hold secrets, and
 * the tool's env holds the host's credentials.
 */
public final class AuditRecord {
    /** WITHHELD: the tool ran but a post-exec hook kept its result from the caller. */
    public enum Verdict { ALLOWED, REFUSED, WITHHELD, FAILED }

    /** The peer of the unix socket as the kernel reports it (SO_PEERCRED); never what the caller claims. */
    public record Peer(int uid, int gid, long pid) {}

    private final String id;
    private final Instant started;
    private Duration duration;
    private List<String> argv;
    private boolean callerLost;
    private final String profile;
    private String command = "";
    private List<String> args = List.of();
    private String cwd = "";
    private String containerId = "";
    private String mode = "run";
    private Peer peer;
    /** A caller that proved a profile key instead of being a process here: the key's id (never the key) and its address. */
    private String keyId, remoteAddress;
    private String hostCwd;
    private List<String> originalArgs;
    private String originalCwd;
    private Verdict verdict = Verdict.FAILED;
    private String layer;
    private String rule;
    private String reason;
    private String moduleSha256;
    private Integer exitStatus;
    private Integer signal;
    private long bytesIn;
    private long bytesOut;
    private List<String> secrets = List.of();
    private java.util.Map<String, Long> redactions = java.util.Map.of();

    /** The [shadow] candidate's verdict, layer and rule, where it differs from the live one; null otherwise. */
    private String shadowVerdict, shadowLayer, shadowRule;

    private String limit;
    private List<String> filesRedacted;
    private int fileMatches;
    private List<String> filesUnscanned;

    public AuditRecord(String id, String profile, Instant started) {
        this.id = id;
        this.profile = profile;
        this.started = started;
    }

    public AuditRecord(String profile, Instant started) {
        this(UUID.randomUUID().toString(), profile, started);
    }

    public String id() { return id; }
    public String profile() { return profile; }
    public Instant started() { return started; }

    /** The request as the caller sent it. */
    public AuditRecord request(String command, List<String> args, String cwd, String containerId, boolean check) {
        this.command = command;
        this.args = List.copyOf(args);
        this.cwd = cwd;
        this.containerId = containerId;
        this.mode = check ? "check" : "run";
        return this;
    }

    /** A pre-exec hook changed the request: the record keeps both, the one that ran in args/cwd. */
    public AuditRecord rewritten(List<String> args, String cwd) {
        if (originalArgs == null) {
            originalArgs = this.args;
            originalCwd = this.cwd;
        }
        this.args = List.copyOf(args);
        this.cwd = cwd;
        return this;
    }

    public AuditRecord peer(Peer peer) { this.peer = peer; return this; }

    public AuditRecord keyHolder(String keyId, String remoteAddress) {
        this.keyId = keyId;
        this.remoteAddress = remoteAddress;
        return this;
    }
    public AuditRecord hostCwd(String hostCwd) { this.hostCwd = hostCwd; return this; }
    public AuditRecord module(String sha256) { this.moduleSha256 = sha256; return this; }

    public AuditRecord allowed() {
        verdict = Verdict.ALLOWED;
        layer = rule = reason = null;
        return this;
    }

    public AuditRecord refused(String layer, String rule, String reason) {
        verdict = Verdict.REFUSED;
        this.layer = layer;
        this.rule = rule;
        this.reason = reason;
        return this;
    }

    /** Something broke on the daemon's side (a tool that would not start, an I/O error). */
    public AuditRecord failed(String reason) {
        verdict = Verdict.FAILED;
        this.reason = reason;
        return this;
    }

    public AuditRecord exit(int status, int signal, long bytesIn, long bytesOut) {
        this.exitStatus = status;
        this.signal = signal;
        this.bytesIn = bytesIn;
        this.bytesOut = bytesOut;
        return this;
    }

    /** The exact argv the host ran (argv[0] is the executable's path), when it got that far. */
    public AuditRecord argv(List<String> argv) { this.argv = List.copyOf(argv); return this; }
    public AuditRecord duration(Duration d) { this.duration = d; return this; }
    public AuditRecord callerLost(boolean lost) { this.callerLost = lost; return this; }

    /**
     * The vault secrets injected into the run (names only) and how many times each secret was
     * redacted from its output (airlock.daemon.redact.RedactionCounts#snapshot). Never a value.
     */
    public AuditRecord secrets(List<String> injected, java.util.Map<String, Long> redactionCounts) {
        this.secrets = List.copyOf(injected);
        this.redactions = new java.util.TreeMap<>(redactionCounts);
        return this;
    }

    /** A [sandbox] limit the run hit, and workspace files it wrote that were redacted in place (paths only). */
    public AuditRecord sandbox(String limit, List<String> filesRedacted, int fileMatches, List<String> filesUnscanned) {
        this.limit = limit;
        this.filesRedacted = List.copyOf(filesRedacted);
        this.fileMatches = fileMatches;
        this.filesUnscanned = List.copyOf(filesUnscanned);
        return this;
    }

    /** What the [shadow] candidate said, where it differs from the live verdict (which alone decided). */
    public AuditRecord shadow(String verdict, String layer, String rule) {
        this.shadowVerdict = verdict;
        this.shadowLayer = layer;
        this.shadowRule = rule;
        return this;
    }

    public AuditRecord withheld(String layer, String rule, String reason) {
        refused(layer, rule, reason);
        verdict = Verdict.WITHHELD;
        return this;
    }

    public Verdict verdict() { return verdict; }

    /** The JSON body; {@link AuditLog} adds {@code seq} and {@code prev}. */
    public ObjectNode toJson(Instant now) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("type", "request");
        o.put("id", id);
        o.put("time", started.truncatedTo(ChronoUnit.MILLIS).toString());
        o.put("profile", profile);
        o.put("mode", mode);
        o.put("command", command);
        var a = o.putArray("args");
        args.forEach(a::add);
        o.put("cwd", cwd);
        o.put("host_cwd", hostCwd);
        if (argv != null) {
            var v = o.putArray("argv");
            argv.forEach(v::add);
        }
        if (peer == null) {
            o.putNull("peer");
        } else {
            o.putObject("peer").put("uid", peer.uid()).put("gid", peer.gid()).put("pid", peer.pid());
        }
        // the API is the one transport a key holder comes over; named so a reader need not know that
        if (keyId != null) o.putObject("key_holder").put("key_id", keyId).put("remote_address", remoteAddress).put("transport", "https");
        o.put("container_id", containerId);
        if (originalArgs != null) {
            var oa = o.putArray("original_args");
            originalArgs.forEach(oa::add);
            o.put("original_cwd", originalCwd);
        }
        o.put("verdict", verdict.name().toLowerCase());
        o.put("layer", layer);
        o.put("rule", rule);
        o.put("reason", reason);
        o.put("module_sha256", moduleSha256);
        o.put("exit_status", exitStatus);
        o.put("signal", signal);
        if (callerLost) o.put("caller_lost", true);
        if (limit != null && !limit.isEmpty()) o.put("limit", limit);
        if (filesRedacted != null && !filesRedacted.isEmpty()) {
            filesRedacted.forEach(o.putArray("files_redacted")::add);
            o.put("file_redactions", fileMatches);
        }
        if (filesUnscanned != null && !filesUnscanned.isEmpty()) filesUnscanned.forEach(o.putArray("files_unscanned")::add);
        o.put("duration_ms", Math.max(0, (duration != null ? duration : Duration.between(started, now)).toMillis()));
        o.put("bytes_in", bytesIn);
        o.put("bytes_out", bytesOut);
        if (!secrets.isEmpty()) {
            var sa = o.putArray("secrets");
            secrets.forEach(sa::add);
        }
        if (!redactions.isEmpty()) {
            var r = o.putObject("redactions");
            redactions.forEach(r::put);
        }
        // only where the candidate differs: a record without it (every record before [shadow]) means "no difference"
        if (shadowVerdict != null) o.putObject("shadow").put("verdict", shadowVerdict).put("layer", shadowLayer).put("rule", shadowRule);
        return o;
    }
}
