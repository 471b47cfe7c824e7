package airlock.daemon.redact;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real process (a fake tool, /bin/sh) prints the secret in every form, each split into two
 * write(2) calls at every byte offset, on stdout and stderr; its pipes are pumped the way ToolRun
 * pumps them (reads of varying size) through a RedactingStream each.
 */
class RedactedToolOutputTest {
    static final byte[] SECRET = "tok_Real9Process\"/\\+%é".getBytes(StandardCharsets.UTF_8);
    static final String MARK = "[airlock:redacted api_token]";

    @TempDir Path tmp;

    @Test
    void everyFormSplitAtEveryOffsetOnBothStreamsComesOutAsMarkersOnly() throws Exception {
        List<byte[]> forms = SecretForms.of(SECRET);
        StringBuilder script = new StringBuilder("#!/bin/sh\n");
        int lines = 0;
        for (byte[] form : forms) {
            for (int k = 0; k <= form.length; k++) {
                for (String fd : List.of("", " >&2")) {
                    script.append("printf '").append(octal(form, 0, k)).append("'").append(fd).append('\n');
                    script.append("printf '").append(octal(form, k, form.length)).append("\\n'").append(fd).append('\n');
                }
                lines++;
            }
        }
        Path tool = tmp.resolve("fake-tool");
        Files.writeString(tool, script);
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));

        Redactor r = Redactor.of(Map.of("api_token", SECRET));
        RedactionCounts counts = new RedactionCounts();
        Process p = new ProcessBuilder(tool.toString()).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        Thread o = Thread.ofVirtual().start(() -> pump(p.getInputStream(), r.stream(out, counts), 1));
        Thread e = Thread.ofVirtual().start(() -> pump(p.getErrorStream(), r.stream(err, counts), 2));
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        o.join();
        e.join();
        assertThat(p.exitValue()).isZero();
        for (ByteArrayOutputStream stream : List.of(out, err)) {
            String text = stream.toString(StandardCharsets.UTF_8);
            assertThat(text.lines()).hasSize(lines).containsOnly(MARK);
            assertNoForm(stream.toByteArray());
        }
        assertThat(counts.snapshot()).isEqualTo(Map.of("api_token", 2L * lines));
    }

    /** Reads as a pump does, in chunks of varying size, and writes each chunk to the redactor. */
    static void pump(InputStream from, RedactingStream to, long seed) {
        Random random = new Random(seed);
        byte[] buf = new byte[8192];
        try (from) {
            int n;
            while ((n = from.read(buf, 0, 1 + random.nextInt(buf.length))) > 0) to.write(buf, 0, n);
            to.finish();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    static void assertNoForm(byte[] out) {
        String s = new String(out, StandardCharsets.ISO_8859_1);
        assertThat(s).doesNotContain(new String(SECRET, StandardCharsets.ISO_8859_1))
                .doesNotContain(Base64.getEncoder().withoutPadding().encodeToString(SECRET).substring(0, 20))
                .doesNotContain(HexFormat.of().formatHex(SECRET).substring(0, 16))
                .doesNotContain("tok_Real9");
    }

    static String octal(byte[] b, int from, int to) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < to; i++) s.append(String.format("\\%03o", b[i] & 0xff));
        return s.toString();
    }
}
