package airlock.cli;

import airlock.daemon.core.ShellWords;
import airlock.daemon.core.Visible;
import airlock.daemon.ConfigDirectory;
import airlock.daemon.audit.AuditChain;
import airlock.daemon.audit.AuditFiles;
import airlock.rules.ConfigError;
import airlock.rules.ConfigLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;

@Command(name = "log", description = {
        "Print the audit log for a person: time, profile, verdict, command line, exit status, duration, cwd, container.",
        "Dry runs (airlock test, check mode) are marked 'check: would be allowed/refused' and ran nothing.",
        "With --verify, check the hash chain instead and exit 1 when a record was edited or removed."})
final class LogCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FOLLOW_POLL_MS = 200;

    @Mixin
    ConfigOption config;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new records as they are written (follows rotation).")
    boolean follow;

    @Option(names = "--denied", description = "Only refused and failed requests.")
    boolean denied;

    @Option(names = "--profile", paramLabel = "P", description = "Only requests on profile P.")
    String profile;

    @Option(names = "--shadow", description = "Only requests the [shadow] candidate judged differently (its verdict, layer and rule shown).")
    boolean shadow;

    @Option(names = "--verify", description = "Check the hash chain over every audit file; exit 1 if it is broken.")
    boolean verify;

    enum Format { text, ocsf }

    @Option(names = "--format", paramLabel = "F", description = "text (one line for a person, the default) or ocsf (one OCSF 1.3"
            + " Process Activity event per request, JSON lines, for a SIEM; docs/audit-and-hooks.md has the mapping).")
    Format format = Format.text;

    @Option(names = "--json", description = "Each audit record as it is stored, one JSON object a line (keys in"
            + " docs/audit-and-hooks.md); with --verify, one object: intact, records, files, first_seq, head, problems.")
    boolean json;

    /** The host's name, for an OCSF event's device. */
    private String hostname;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (json && format != Format.text) {
            err.println("airlock: --json and --format " + format + " are two forms of the same records; pick one");
            return 2;
        }
        Path dir = logFile(err);
        if (verify && json) return verifyJson(dir, out);
        if (verify) return verify(dir, out, err);
        for (Path f : AuditFiles.oldestFirstOf(dir)) {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) print(line, out);
        }
        out.flush();
        if (follow) follow(dir, out);
        return 0;
    }

    /** The current audit file: config.toml's {@code [log] path}, else the default under the config directory. */
    private Path logFile(PrintWriter err) throws IOException {
        ConfigDirectory d = config.directory();
        Path cfg = d.configFile();
        if (Files.isRegularFile(cfg)) {
            try {
                return d.auditFile(ConfigLoader.config(cfg.toString(), Files.readString(cfg, StandardCharsets.UTF_8)).log());
            } catch (ConfigError e) {
                err.println("airlock: " + e.getMessage() + " (reading the default audit log " + AuditFiles.current(d.auditDir()) + ")");
            }
        }
        return AuditFiles.current(d.auditDir());
    }

    private int verify(Path dir, PrintWriter out, PrintWriter err) throws IOException {
        AuditChain.Report r = AuditChain.verifyFile(dir);
        if (!r.intact()) {
            for (AuditChain.Problem p : r.problems()) err.println("airlock: " + p);
            err.println("airlock: the audit log chain is BROKEN: " + r.problems().size() + " problem(s) in " + dir);
            err.flush();
            return 1;
        }
        out.println("airlock: audit log intact: " + r.records() + " record(s) in " + r.files() + " file(s)"
                + (r.records() > 0 ? ", seq " + r.firstSeq() + ".." + (r.firstSeq() + r.records() - 1) : ""));
        if (r.firstSeq() > 1) out.println("airlock: records before seq " + r.firstSeq() + " were rotated away and cannot be checked");
        out.println("airlock: head " + r.head() + " (keep it elsewhere to detect removal of the newest records)");
        out.flush();
        return 0;
    }

    private int verifyJson(Path dir, PrintWriter out) throws IOException {
        AuditChain.Report r = AuditChain.verifyFile(dir);
        var o = JSON.createObjectNode();
        o.put("intact", r.intact());
        o.put("records", r.records());
        o.put("files", r.files());
        o.put("first_seq", r.firstSeq());
        o.put("head", r.head());
        var problems = o.putArray("problems");
        for (AuditChain.Problem p : r.problems()) {
            problems.addObject().put("file", p.file().toString()).put("line", p.line()).put("what", p.what());
        }
        out.println(VisibleJson.writer(JSON, false).writeValueAsString(o));
        out.flush();
        return r.intact() ? 0 : 1;
    }

    /** Tails the current file; when it is rotated away, drains the old one and starts on the new. */
    private void follow(Path current, PrintWriter out) throws IOException {
        FileChannel ch = null;
        Object key = null;
        ByteArrayOutputStream partial = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        try {
            while (!Thread.currentThread().isInterrupted()) {
                if (ch == null && Files.exists(current)) {
                    ch = FileChannel.open(current, StandardOpenOption.READ);
                    key = Files.readAttributes(current, BasicFileAttributes.class).fileKey();
                    ch.position(ch.size()); // what was there is printed already
                }
                boolean read = false;
                if (ch != null) {
                    int n;
                    while ((n = ch.read(buf.clear())) > 0) {
                        read = true;
                        for (int i = 0; i < n; i++) {
                            byte b = buf.get(i);
                            if (b == '\n') {
                                print(partial.toString(StandardCharsets.UTF_8), out);
                                partial.reset();
                            } else {
                                partial.write(b);
                            }
                        }
                    }
                    out.flush();
                    if (!read && rotated(current, key)) {
                        ch.close();
                        // Files rotated through since the last poll are printed whole.
                        List<Path> files = AuditFiles.oldestFirstOf(current);
                        int mine = indexOf(files, key);
                        for (int i = mine + 1; i < files.size() - 1; i++) {
                            for (String line : Files.readAllLines(files.get(i), StandardCharsets.UTF_8)) print(line, out);
                        }
                        ch = FileChannel.open(current, StandardOpenOption.READ);
                        key = Files.readAttributes(current, BasicFileAttributes.class).fileKey();
                        continue;
                    }
                }
                if (!read) Thread.sleep(FOLLOW_POLL_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (ch != null) ch.close();
        }
    }

    /** Where the file we were reading is now; -1 when rotation already deleted it. */
    private static int indexOf(List<Path> files, Object key) {
        for (int i = 0; i < files.size(); i++) {
            try {
                if (Objects.equals(Files.readAttributes(files.get(i), BasicFileAttributes.class).fileKey(), key)) return i;
            } catch (IOException e) {
                // rotated again meanwhile
            }
        }
        return -1;
    }

    private static boolean rotated(Path current, Object key) {
        try {
            return Files.exists(current) && !Objects.equals(Files.readAttributes(current, BasicFileAttributes.class).fileKey(), key);
        } catch (IOException e) {
            return false;
        }
    }

    private void print(String line, PrintWriter out) {
        if (line.isBlank()) return;
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (IOException e) {
            if (!denied && profile == null && format == Format.text && !json) out.println("?  unreadable line (run airlock log --verify)");
            return;
        }
        if (json) {
            // the same filters as the text: --denied and --profile keep only requests
            if ((denied || profile != null) && !n.path("type").asText("").equals("request")) return;
            if (denied && n.path("verdict").asText().equals("allowed")) return;
            if (profile != null && !profile.equals(n.path("profile").asText())) return;
            try {
                out.println(VisibleJson.writer(JSON, false).writeValueAsString(n));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return;
        }
        if (shadow && !n.path("shadow").isObject()) return;
        if (format == Format.ocsf) {
            if (denied && n.path("verdict").asText().equals("allowed")) return;
            if (profile != null && !profile.equals(n.path("profile").asText())) return;
            airlock.daemon.audit.OcsfRecord.of(n, "airlock", airlock.shim.Shim.VERSION, hostname()).ifPresent(o -> out.println(o.toString()));
            return;
        }
        String type = n.path("type").asText("");
        if (!type.equals("request")) {
            if (!denied && profile == null) {
                out.println(n.path("time").asText("?") + "  -  " + ShellWords.quote(type) + "  " + clean(n.path("detail").asText("")));
            }
            return;
        }
        String verdict = n.path("verdict").asText("?");
        if (denied && verdict.equals("allowed")) return;
        if (profile != null && !profile.equals(n.path("profile").asText())) return;
        List<String> argv = new ArrayList<>();
        argv.add(n.path("command").asText(""));
        n.path("args").forEach(a -> argv.add(a.asText()));
        // a dry run (airlock test, the shim's check mode) ran nothing: it must not read like a run
        boolean check = n.path("mode").asText("run").equals("check");
        StringBuilder b = new StringBuilder();
        b.append(n.path("time").asText("?")).append("  ")
                .append(ShellWords.quote(n.path("profile").asText("?"))).append("  ")
                .append(check ? "check: would be " + verdict : verdict).append("  ")
                .append(ShellWords.join(argv)).append("  ");
        if (check) b.append("(dry run, nothing ran)");
        else if (n.path("signal").asInt(0) > 0) b.append("signal ").append(n.path("signal").asInt());
        else if (n.path("exit_status").isNumber()) b.append("exit ").append(n.path("exit_status").asInt());
        else b.append("exit -");
        b.append("  ").append(n.path("duration_ms").asLong()).append("ms");
        b.append("  cwd ").append(clean(n.path("cwd").asText("?")));
        String container = n.path("container_id").asText("");
        b.append("  container ").append(container.isEmpty() ? "-" : clean(container.length() > 12 ? container.substring(0, 12) : container));
        JsonNode holder = n.path("key_holder");
        if (holder.isObject()) {
            b.append("  via ").append(clean(holder.path("transport").asText("https"))).append(" key ")
                    .append(clean(holder.path("key_id").asText("?"))).append(" from ").append(clean(holder.path("remote_address").asText("?")));
        }
        if (!verdict.equals("allowed")) {
            b.append("  [").append(n.path("layer").asText("daemon"));
            if (n.path("rule").isTextual()) b.append(" rule ").append(ShellWords.quote(n.path("rule").asText()));
            if (n.path("reason").isTextual()) b.append(": ").append(clean(n.path("reason").asText()));
            b.append(']');
        }
        if (n.has("original_args")) b.append("  (rewritten by a hook)");
        JsonNode sh = n.path("shadow");
        if (sh.isObject()) {
            // the candidate's word only: the live verdict above is what happened
            b.append("  shadow: would be ").append(clean(sh.path("verdict").asText("?")));
            if (sh.path("layer").isTextual()) {
                b.append(" [").append(clean(sh.path("layer").asText()));
                if (sh.path("rule").isTextual()) b.append(" rule ").append(ShellWords.quote(sh.path("rule").asText()));
                b.append(']');
            }
        }
        if (n.path("redactions").isObject() && !n.path("redactions").isEmpty()) {
            List<String> counts = new ArrayList<>();
            n.path("redactions").properties().forEach(e -> counts.add(e.getKey() + " x" + e.getValue().asLong()));
            b.append("  redacted ").append(String.join(", ", counts));
        }
        out.println(b);
    }

    private String hostname() {
        if (hostname == null) {
            try {
                hostname = java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                hostname = "localhost";
            }
        }
        return hostname;
    }

    /** Free text from the log may quote agent input: shown with Visible's escapes, nothing hidden reaches the terminal. */
    private static String clean(String s) {
        return Visible.text(s);
    }
}
