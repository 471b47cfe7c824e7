package airlock.daemon.redact;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random values, random text around every form of them, random splits. Each property runs for a
 * fixed number of seeds (jqwik did this until its maintainer asked automated agents not to use it,
 * jqwik-team/jqwik#708); a failure names its seed, and {@link #caseOf} rebuilds that case.
 */
class RedactionPropertiesTest {
    record Case(Map<String, byte[]> secrets, byte[] input, List<Integer> splits) {
        @Override public String toString() {
            return "Case[" + secrets.size() + " secrets, " + input.length + " bytes, splits " + splits + "]";
        }
    }

    @FunctionalInterface
    interface Property {
        void check(Case c, long seed) throws IOException;
    }

    /** Runs {@code property} on the cases of {@code tries} seeds from {@code base}; a failure says which. */
    static void forCases(long base, int tries, Property property) throws IOException {
        for (int i = 0; i < tries; i++) {
            long seed = base + i;
            Case c = caseOf(seed);
            try {
                property.check(c, seed * 31 + 7);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("failed for seed " + seed + " (" + c + "): " + e.getMessage(), e);
            }
        }
    }

    /** 1 to 4 values of 8 to 48 bytes (printable or any), their forms among random filler, cut at up to 7 places. */
    static Case caseOf(long seed) {
        Random random = new Random(seed);
        List<byte[]> values = new ArrayList<>();
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            byte[] v = new byte[8 + random.nextInt(41)];
            boolean printable = random.nextBoolean();
            for (int j = 0; j < v.length; j++) v[j] = (byte) (printable ? '!' + random.nextInt('~' - '!' + 1) : random.nextInt(256));
            values.add(v);
        }
        Map<String, byte[]> secrets = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) secrets.put("s" + i, values.get(i));
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        int pieces = 1 + random.nextInt(12);
        for (int i = 0; i < pieces; i++) {
            byte[] filler = new byte[random.nextInt(30)];
            for (int j = 0; j < filler.length; j++) filler[j] = (byte) (random.nextBoolean() ? ' ' + random.nextInt(95) : random.nextInt(256));
            in.writeBytes(filler);
            byte[] v = values.get(random.nextInt(values.size()));
            List<byte[]> forms = SecretForms.of(v);
            in.writeBytes(forms.get(random.nextInt(forms.size())));
        }
        byte[] input = in.toByteArray();
        TreeSet<Integer> splits = new TreeSet<>();
        int n = random.nextInt(8);
        for (int i = 0; i < n && input.length > 1; i++) splits.add(1 + random.nextInt(input.length - 1));
        return new Case(secrets, input, new ArrayList<>(splits));
    }

    static byte[] redact(Redactor r, byte[] input, List<Integer> splits, RedactionCounts counts) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RedactingStream s = r.stream(out, counts);
        int at = 0;
        for (int split : splits) {
            s.write(input, at, split - at);
            at = split;
        }
        s.write(input, at, input.length - at);
        s.finish();
        return out.toByteArray();
    }

    @Test
    void splittingTheOutputAnywhereChangesNothing() throws IOException {
        forCases(1_000, 300, (c, seed) -> {
            Redactor r = Redactor.of(c.secrets());
            RedactionCounts whole = new RedactionCounts(), split = new RedactionCounts();
            assertThat(redact(r, c.input(), c.splits(), split)).isEqualTo(redact(r, c.input(), List.of(), whole));
            assertThat(split.snapshot()).isEqualTo(whole.snapshot());
            assertThat(whole.total()).isPositive();
        });
    }

    @Test
    void noFormOfAnySecretIsLeft() throws IOException {
        forCases(2_000, 300, (c, seed) -> {
            Redactor r = Redactor.of(c.secrets());
            String out = new String(redact(r, c.input(), c.splits(), new RedactionCounts()), StandardCharsets.ISO_8859_1);
            for (byte[] v : c.secrets().values()) {
                for (byte[] form : SecretForms.of(v)) {
                    assertThat(out).doesNotContain(new String(form, StandardCharsets.ISO_8859_1));
                }
            }
        });
    }

    /** A naive oracle: every occurrence of every form, overlapping ones merged, is what disappears. */
    @Test
    void exactlyTheBytesOfEveryOccurrenceAreReplaced() throws IOException {
        forCases(3_000, 300, (c, seed) -> {
            byte[] in = c.input();
            boolean[] covered = new boolean[in.length];
            for (byte[] v : c.secrets().values()) {
                for (byte[] form : SecretForms.of(v)) {
                    for (int s = 0; s + form.length <= in.length; s++) {
                        if (java.util.Arrays.equals(in, s, s + form.length, form, 0, form.length)) {
                            for (int k = s; k < s + form.length; k++) covered[k] = true;
                        }
                    }
                }
            }
            ByteArrayOutputStream kept = new ByteArrayOutputStream();
            for (int k = 0; k < in.length; k++) if (!covered[k]) kept.write(in[k]);
            String out = new String(redact(Redactor.of(c.secrets()), in, c.splits(), new RedactionCounts()), StandardCharsets.ISO_8859_1);
            String withoutMarkers = out.replaceAll("\\[airlock:redacted s[0-9]\\]", "");
            assertThat(withoutMarkers).isEqualTo(kept.toString(StandardCharsets.ISO_8859_1));
        });
    }

    @Test
    void outputWithoutSecretsPassesByteExact() throws IOException {
        forCases(4_000, 200, (c, seed) -> {
            byte[] noise = new byte[c.input().length];
            new Random(seed).nextBytes(noise);
            Redactor r = Redactor.of(c.secrets());
            String text = new String(noise, StandardCharsets.ISO_8859_1);
            boolean containsForm = c.secrets().values().stream().flatMap(v -> SecretForms.of(v).stream())
                    .anyMatch(f -> text.contains(new String(f, StandardCharsets.ISO_8859_1)));
            if (containsForm) return;
            RedactionCounts counts = new RedactionCounts();
            assertThat(redact(r, noise, c.splits(), counts)).isEqualTo(noise);
            assertThat(counts.total()).isZero();
        });
    }

    /**
     * The same input cut at the same places, each piece on a random one of the two streams, the
     * clock moved past the hold between some pieces: in stdout alone, stderr alone and both in
     * the order they were released, no form of any secret is whole.
     */
    @Test
    void twoStreamsInAnyOrderAndAnyTimingShowNoFormInAnyView() throws IOException {
        forCases(5_000, 300, (c, seed) -> {
            Views v = twoStreams(Redactor.of(c.secrets()), c.input(), c.splits(), seed, true, new RedactionCounts());
            for (byte[] value : c.secrets().values()) {
                for (byte[] form : SecretForms.of(value)) {
                    String f = new String(form, StandardCharsets.ISO_8859_1);
                    assertThat(v.out()).doesNotContain(f);
                    assertThat(v.err()).doesNotContain(f);
                    assertThat(v.merged()).doesNotContain(f);
                }
            }
        });
    }

    @Test
    void twoStreamsWithoutSecretsPassByteExactInTheirOrder() throws IOException {
        forCases(6_000, 200, (c, seed) -> {
            byte[] noise = new byte[c.input().length];
            new Random(seed).nextBytes(noise);
            Views plain = twoStreams(Redactor.NONE, noise, c.splits(), seed, false, new RedactionCounts());
            List<String> forms = c.secrets().values().stream().flatMap(v -> SecretForms.of(v).stream())
                    .map(f -> new String(f, StandardCharsets.ISO_8859_1)).toList();
            if (forms.stream().anyMatch(f -> plain.out().contains(f) || plain.err().contains(f) || plain.merged().contains(f))) return;
            RedactionCounts counts = new RedactionCounts();
            assertThat(twoStreams(Redactor.of(c.secrets()), noise, c.splits(), seed, false, counts)).isEqualTo(plain);
            assertThat(plain.merged()).isEqualTo(new String(noise, StandardCharsets.ISO_8859_1));
            assertThat(counts.total()).isZero();
        });
    }

    record Views(String out, String err, String merged) {}

    static Views twoStreams(Redactor r, byte[] input, List<Integer> splits, long seed, boolean moveClock, RedactionCounts counts)
            throws IOException {
        Random random = new Random(seed);
        StringBuilder out = new StringBuilder(), err = new StringBuilder(), merged = new StringBuilder();
        long[] now = {0};
        RedactedOutput o = new RedactedOutput(r, (stream, b, off, len) -> {
            String s = new String(b, off, len, StandardCharsets.ISO_8859_1);
            (stream == RedactedOutput.Stream.STDOUT ? out : err).append(s);
            merged.append(s);
        }, counts, () -> now[0], RedactedOutput.HOLD_NANOS);
        List<Integer> cuts = new ArrayList<>(splits);
        cuts.add(input.length);
        int at = 0;
        for (int cut : cuts) {
            RedactedOutput.Stream s = random.nextBoolean() ? RedactedOutput.Stream.STDOUT : RedactedOutput.Stream.STDERR;
            o.write(s, input, at, cut - at);
            at = cut;
            if (moveClock && random.nextInt(3) == 0) {
                now[0] += RedactedOutput.HOLD_NANOS;
                o.tick();
            }
        }
        o.end(RedactedOutput.Stream.STDERR);
        o.end(RedactedOutput.Stream.STDOUT);
        return new Views(out.toString(), err.toString(), merged.toString());
    }
}
