package airlock.daemon;

import airlock.daemon.core.Plan;
import airlock.daemon.core.Caller;
import airlock.daemon.listen.unix.FrameLink;
import airlock.daemon.pipeline.ToolRun;
import airlock.daemon.redact.RedactionCounts;
import airlock.daemon.redact.Redactor;
import airlock.daemon.redact.SecretForms;
import airlock.protocol.Frame;
import airlock.protocol.FrameReader;
import airlock.protocol.FrameType;
import airlock.protocol.FrameWriter;
import airlock.rules.ModuleLoader;
import airlock.rules.Profile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ToolRun with a redactor: a real fake tool prints an injected secret in every form, each split
 * into two writes at every byte offset, on both streams; the frames that would go to the shim
 * hold only markers, and the injected variable beats the plan's.
 */
class RedactedToolRunTest {
    static final byte[] SECRET = "tok_ToolRun7Canary\"/\\+%".getBytes(StandardCharsets.UTF_8);
    static final String MARK = "[airlock:redacted api_token]";

    @TempDir Path tmp;

    @Test
    void theFramesHoldOnlyMarkers() throws Exception {
        StringBuilder script = new StringBuilder("#!/bin/sh\nprintf '%s\\n' \"$API_TOKEN\"\n");
        int lines = 1;
        for (byte[] form : SecretForms.of(SECRET)) {
            for (int k = 0; k <= form.length; k++) {
                for (String fd : List.of("", " >&2")) {
                    script.append("printf '").append(octal(form, 0, k)).append("'").append(fd).append('\n');
                    script.append("printf '").append(octal(form, k, form.length)).append("\\n'").append(fd).append('\n');
                }
                lines++;
            }
        }
        Path tool = tmp.resolve("tool");
        Files.writeString(tool, script);
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
        Plan plan = new Plan(new Profile("p", List.of(), Map.of(), Map.of(), Optional.empty()),
                ModuleLoader.load("tool", "test", "[command]\nbin = \"tool\"\n[allow]\nargs = [\"*\"]\n"),
                tool, List.of(tool.toString()), tmp, Map.of("PATH", System.getenv("PATH"), "API_TOKEN", "from-the-plan"), List.of());

        Pipe callerFrames = Pipe.open(); // the caller sends nothing and stays connected
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        RedactionCounts counts = new RedactionCounts();
        ToolRun.Result result = ToolRun.run(plan, Map.of("API_TOKEN", new String(SECRET, StandardCharsets.UTF_8)),
                new FrameLink(new Caller.KernelPeer(ProcessHandle.current().pid(), 0, 0, ""),
                        new FrameReader(Channels.newInputStream(callerFrames.source())), new FrameWriter(wire)), Redactor.of(Map.of("api_token", SECRET)), counts,
                airlock.daemon.sandbox.SandboxLauncher.of(tmp), Optional.empty(), ProcessBuilder::start,
                // a long hold: a loaded machine stalling the shell between two printfs must not decide the outcome
                java.time.Duration.ofSeconds(30));
        callerFrames.sink().close();
        assertThat(result.status()).isZero();

        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        FrameReader frames = new FrameReader(new ByteArrayInputStream(wire.toByteArray()));
        int count = 0;
        for (Frame f; (f = frames.read()) != null; count++) {
            (f.type() == FrameType.STDOUT ? out : err).writeBytes(f.payload());
        }
        assertThat(count).isGreaterThan(2);
        // each line is the marker; twice where the shell paused longer than the hold (0.1 s) between
        // the two printfs of a form: the held prefix is then masked on its own and the rest when it
        // comes (RedactedOutput, docs/secrets.md), each counted; never a byte of the form
        String markers = "(" + java.util.regex.Pattern.quote(MARK) + ")+";
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).hasSize(lines).allMatch(l -> l.matches(markers));
        assertThat(err.toString(StandardCharsets.UTF_8).lines()).hasSize(lines - 1).allMatch(l -> l.matches(markers));
        assertThat(new String(wire.toByteArray(), StandardCharsets.ISO_8859_1)).doesNotContain("ToolRun7").doesNotContain("from-the-plan");
        long shown = (out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8)).split(java.util.regex.Pattern.quote(MARK), -1).length - 1;
        assertThat(counts.snapshot()).containsOnlyKeys("api_token");
        assertThat(counts.snapshot().get("api_token")).isBetween(2L * lines - 1, shown);
    }

    static String octal(byte[] b, int from, int to) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < to; i++) s.append(String.format("\\%03o", b[i] & 0xff));
        return s.toString();
    }
}
