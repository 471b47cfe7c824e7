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

    /** What one run sent towards the shim: the two streams' bytes, the frames whole, the counts. */
    record Sent(String out, String err, byte[] wire, int frames, RedactionCounts counts) {}

    /**
     * Each stream in a run of its own: with both in one run, the order the two pumps hand their
     * reads over decides where the hold's 16 KiB fall (a prefix under half a form can be released by
     * the other stream's backlog, which CI met once); one stream per run makes every release depend
     * on that stream alone. Both streams together are RedactedOutputTest's and the property tests'.
     */
    @Test
    void theFramesHoldOnlyMarkers() throws Exception {
        StringBuilder toStdout = new StringBuilder("#!/bin/sh\nprintf '%s\\n' \"$API_TOKEN\"\n");
        StringBuilder toStderr = new StringBuilder("#!/bin/sh\n");
        int lines = 1;
        for (byte[] form : SecretForms.of(SECRET)) {
            for (int k = 0; k <= form.length; k++) {
                for (StringBuilder script : List.of(toStdout, toStderr)) {
                    String fd = script == toStderr ? " >&2" : "";
                    script.append("printf '").append(octal(form, 0, k)).append("'").append(fd).append('\n');
                    script.append("printf '").append(octal(form, k, form.length)).append("\\n'").append(fd).append('\n');
                }
                lines++;
            }
        }
        Sent first = run("stdout-tool", toStdout.toString()), second = run("stderr-tool", toStderr.toString());
        String out = first.out(), err = second.err();
        assertThat(first.err()).isEmpty();
        assertThat(second.out()).isEmpty();
        assertThat(first.frames() + second.frames()).isGreaterThan(2);
        // each line is the marker (more than one where the masking of a held prefix and the rest of
        // its form are counted apart, RedactedOutput, docs/secrets.md); never a byte of the form
        String markers = "(" + java.util.regex.Pattern.quote(MARK) + ")+";
        assertThat(out.lines()).hasSize(lines).allMatch(l -> l.matches(markers));
        assertThat(err.lines()).hasSize(lines - 1).allMatch(l -> l.matches(markers));
        for (Sent sent : List.of(first, second)) {
            assertThat(new String(sent.wire(), StandardCharsets.ISO_8859_1)).doesNotContain("ToolRun7").doesNotContain("from-the-plan");
            assertThat(sent.counts().snapshot()).containsOnlyKeys("api_token");
        }
        long shown = (out + err).split(java.util.regex.Pattern.quote(MARK), -1).length - 1;
        long counted = first.counts().snapshot().get("api_token") + second.counts().snapshot().get("api_token");
        assertThat(counted).isBetween(2L * lines - 1, shown);
    }

    /** Runs {@code script} as a tool through ToolRun with the secret injected, output held long (a loaded machine must not decide). */
    private Sent run(String name, String script) throws Exception {
        Path tool = tmp.resolve(name);
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
                airlock.daemon.sandbox.SandboxLauncher.of(tmp), Optional.empty(), ProcessBuilder::start, java.time.Duration.ofSeconds(30));
        callerFrames.sink().close();
        assertThat(result.status()).isZero();
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        FrameReader frames = new FrameReader(new ByteArrayInputStream(wire.toByteArray()));
        int count = 0;
        for (Frame f; (f = frames.read()) != null; count++) {
            (f.type() == FrameType.STDOUT ? out : err).writeBytes(f.payload());
        }
        return new Sent(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), wire.toByteArray(), count, counts);
    }

    static String octal(byte[] b, int from, int to) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < to; i++) s.append(String.format("\\%03o", b[i] & 0xff));
        return s.toString();
    }
}
