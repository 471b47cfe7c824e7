package airlock.daemon.redact;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The redaction at the sizes a pump hands over (up to 64 KiB a write, far past the 16 KiB hold),
 * where the fast paths live: the coarse skip striding by the run's shortest form, and the held
 * bytes of the last write joined with the new write's released part into one call (one frame).
 * The small-input properties (RedactionPropertiesTest) never release from inside a write.
 */
class RedactedOutputLargeWritesTest {
    static final int PUMP = 64 * 1024;

    /** Each call the sink got: its stream and bytes. */
    record Call(RedactedOutput.Stream stream, byte[] bytes) {}

    static final class Sink implements RedactedOutput.Sink {
        final List<Call> calls = new ArrayList<>();

        @Override public void write(RedactedOutput.Stream stream, byte[] b, int off, int len) {
            calls.add(new Call(stream, Arrays.copyOfRange(b, off, off + len)));
        }

        String view(RedactedOutput.Stream only) {
            ByteArrayOutputStream s = new ByteArrayOutputStream();
            for (Call c : calls) if (only == null || c.stream() == only) s.writeBytes(c.bytes());
            return s.toString(StandardCharsets.ISO_8859_1);
        }
    }

    static Map<String, byte[]> tokens(Random random, int count, int length) {
        Map<String, byte[]> secrets = new LinkedHashMap<>();
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        for (int i = 0; i < count; i++) {
            StringBuilder s = new StringBuilder();
            for (int k = 0; k < length; k++) s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            secrets.put("s" + i, s.toString().getBytes(StandardCharsets.US_ASCII));
        }
        return secrets;
    }

    /**
     * A stream as fast as the pump reads it (64 KiB writes): each write releases the last one's
     * held 16 KiB and its own first 48 KiB in one call, not two (the frames of a secret-holding
     * run used to be twice a plain run's, and so the shim's writes to the agent's pipe).
     */
    @Test
    void aFastStreamIsOneCallPerWriteAndNoCallIsLongerThanAFrame() throws IOException {
        Redactor r = Redactor.of(tokens(new Random(1), 5, 45));
        Sink sink = new Sink();
        RedactedOutput out = new RedactedOutput(r, sink, new RedactionCounts(), () -> 0L, RedactedOutput.HOLD_NANOS);
        byte[] chunk = new byte[PUMP];
        for (int i = 0; i < 40; i++) out.write(RedactedOutput.Stream.STDOUT, chunk, 0, chunk.length);
        assertThat(sink.calls).hasSize(40);
        assertThat(sink.calls).allSatisfy(c -> assertThat(c.bytes().length).isLessThanOrEqualTo(RedactedOutput.MAX_JOINED));
        out.end(RedactedOutput.Stream.STDOUT);
        out.end(RedactedOutput.Stream.STDERR);
        assertThat(sink.view(null).length()).isEqualTo(40 * PUMP);
        assertThat(sink.view(null).chars().allMatch(ch -> ch == 0)).isTrue();
    }

    record Case(Map<String, byte[]> secrets, byte[] input, List<Integer> cuts, long seed) {
        @Override public String toString() {
            return "Case[" + secrets.size() + " secrets, " + input.length + " bytes, " + cuts.size() + " writes, seed " + seed + "]";
        }
    }

    /** Values of 8 to 80 bytes (strides 7 to 64), forms of them in up to 300 KiB of text and binary, cut into writes of up to 64 KiB. */
    static Case caseOf(long seed) {
        Random random = new Random(seed);
        int count = 1 + random.nextInt(4), length = 8 + random.nextInt(73);
        Map<String, byte[]> secrets = tokens(random, count, length - random.nextInt(Math.max(1, length - 7)));
        List<byte[]> values = new ArrayList<>(secrets.values());
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        int size = 1 + random.nextInt(300 * 1024);
        while (in.size() < size) {
            byte[] filler = new byte[random.nextInt(random.nextBoolean() ? 64 : 40 * 1024)];
            for (int j = 0; j < filler.length; j++) {
                filler[j] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : ' ' + random.nextInt(95));
            }
            in.writeBytes(filler);
            List<byte[]> forms = SecretForms.of(values.get(random.nextInt(values.size())));
            in.writeBytes(forms.get(random.nextInt(forms.size())));
        }
        byte[] input = in.toByteArray();
        List<Integer> cuts = new ArrayList<>();
        for (int at = 0; at < input.length; ) {
            at = Math.min(input.length, at + 1 + random.nextInt(random.nextInt(4) == 0 ? 200 : PUMP));
            cuts.add(at);
        }
        return new Case(secrets, input, cuts, seed);
    }

    @FunctionalInterface
    interface Property {
        void check(Case c) throws IOException;
    }

    /** The property on the cases of {@code tries} seeds from {@code base}; a failure names the seed that rebuilds its case. */
    static void forCases(long base, int tries, Property property) throws IOException {
        for (long seed = base; seed < base + tries; seed++) {
            Case c = caseOf(seed);
            try {
                property.check(c);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("failed for " + c + ": " + e.getMessage(), e);
            }
        }
    }

    /** Mostly one stream (the `same` path), sometimes the other, the clock sometimes past the hold. */
    static Sink run(Redactor r, Case c, byte[] input, RedactionCounts counts) throws IOException {
        Random random = new Random(c.seed());
        long[] now = {0};
        Sink sink = new Sink();
        RedactedOutput out = new RedactedOutput(r, sink, counts, () -> now[0], RedactedOutput.HOLD_NANOS);
        int at = 0;
        for (int cut : c.cuts()) {
            RedactedOutput.Stream s = random.nextInt(5) == 0 ? RedactedOutput.Stream.STDERR : RedactedOutput.Stream.STDOUT;
            out.write(s, input, at, cut - at);
            at = cut;
            if (random.nextInt(4) == 0) {
                now[0] += RedactedOutput.HOLD_NANOS;
                out.tick();
            }
        }
        out.end(RedactedOutput.Stream.STDOUT);
        out.end(RedactedOutput.Stream.STDERR);
        return sink;
    }

    @Test
    void noFormIsWholeInAnyViewAndNoCallIsLongerThanAFrame() throws IOException {
        forCases(10_000, 60, c -> {
            Sink sink = run(Redactor.of(c.secrets()), c, c.input(), new RedactionCounts());
            for (byte[] value : c.secrets().values()) {
                for (byte[] form : SecretForms.of(value)) {
                    String f = new String(form, StandardCharsets.ISO_8859_1);
                    assertThat(sink.view(RedactedOutput.Stream.STDOUT)).doesNotContain(f);
                    assertThat(sink.view(RedactedOutput.Stream.STDERR)).doesNotContain(f);
                    assertThat(sink.view(null)).doesNotContain(f);
                }
            }
            assertThat(sink.calls).allSatisfy(call -> assertThat(call.bytes().length).isLessThanOrEqualTo(RedactedOutput.MAX_JOINED));
        });
    }

    @Test
    void withoutAFormEveryByteArrivesAsWrittenInItsOrder() throws IOException {
        forCases(20_000, 40, c -> {
            byte[] noise = new byte[c.input().length];
            new Random(c.seed()).nextBytes(noise);
            String text = new String(noise, StandardCharsets.ISO_8859_1);
            boolean containsForm = c.secrets().values().stream().flatMap(v -> SecretForms.of(v).stream())
                    .anyMatch(f -> text.contains(new String(f, StandardCharsets.ISO_8859_1)));
            if (containsForm) return;
            RedactionCounts counts = new RedactionCounts();
            Sink sink = run(Redactor.of(c.secrets()), c, noise, counts);
            assertThat(sink.view(null)).isEqualTo(text);
            assertThat(counts.total()).isZero();
        });
    }

    /** The coarse skip never passes a position where a form (or, at the write's end, the start of one) begins. */
    @Test
    void theSkipNeverPassesTheStartOfAForm() throws IOException {
        forCases(30_000, 40, c -> {
            Redactor r = Redactor.of(c.secrets());
            List<byte[]> forms = c.secrets().values().stream().flatMap(v -> SecretForms.of(v).stream()).toList();
            boolean[] first = new boolean[256];
            for (byte[] f : forms) first[f[0] & 0xff] = true;
            byte[] b = c.input();
            int from = 0;
            for (int cut : c.cuts()) {
                int i = from;
                while (i < cut) {
                    int k = RedactingStream.skip(b, i, cut, r);
                    assertThat(k).isBetween(i, cut);
                    for (int p = i; p < k; p++) {
                        if (!first[b[p] & 0xff]) continue;
                        for (byte[] f : forms) {
                            int n = Math.min(f.length, cut - p);
                            assertThat(Arrays.equals(b, p, p + n, f, 0, n)).as("a form starts at %d, skipped to %d (stride %d)", p, k, r.stride).isFalse();
                        }
                    }
                    i = k + 1;
                }
                from = cut;
            }
        });
    }
}
