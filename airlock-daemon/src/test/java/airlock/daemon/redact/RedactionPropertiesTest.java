package airlock.daemon.redact;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

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

/** Random values, random text around every form of them, random splits. */
class RedactionPropertiesTest {
    record Case(Map<String, byte[]> secrets, byte[] input, List<Integer> splits) {
        @Override public String toString() {
            return "Case[" + secrets.size() + " secrets, " + input.length + " bytes, splits " + splits + "]";
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<byte[]> value = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('!', '~').ofMinLength(8).ofMaxLength(48).map(s -> s.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMinSize(8).ofMaxSize(48));
        return Combinators.combine(value.list().ofMinSize(1).ofMaxSize(4), Arbitraries.longs()).as((values, seed) -> {
            Random random = new Random(seed);
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
        });
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

    @Property(tries = 300)
    void splittingTheOutputAnywhereChangesNothing(@ForAll("cases") Case c) throws IOException {
        Redactor r = Redactor.of(c.secrets());
        RedactionCounts whole = new RedactionCounts(), split = new RedactionCounts();
        assertThat(redact(r, c.input(), c.splits(), split)).isEqualTo(redact(r, c.input(), List.of(), whole));
        assertThat(split.snapshot()).isEqualTo(whole.snapshot());
        assertThat(whole.total()).isPositive();
    }

    @Property(tries = 300)
    void noFormOfAnySecretIsLeft(@ForAll("cases") Case c) throws IOException {
        Redactor r = Redactor.of(c.secrets());
        String out = new String(redact(r, c.input(), c.splits(), new RedactionCounts()), StandardCharsets.ISO_8859_1);
        for (byte[] v : c.secrets().values()) {
            for (byte[] form : SecretForms.of(v)) {
                assertThat(out).doesNotContain(new String(form, StandardCharsets.ISO_8859_1));
            }
        }
    }

    /** A naive oracle: every occurrence of every form, overlapping ones merged, is what disappears. */
    @Property(tries = 300)
    void exactlyTheBytesOfEveryOccurrenceAreReplaced(@ForAll("cases") Case c) throws IOException {
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
    }

    @Property(tries = 200)
    void outputWithoutSecretsPassesByteExact(@ForAll("cases") Case c, @ForAll long seed) throws IOException {
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
    }

    /**
     * The same input cut at the same places, each piece on a random one of the two streams, the
     * clock moved past the hold between some pieces: in stdout alone, stderr alone and both in
     * the order they were released, no form of any secret is whole.
     */
    @Property(tries = 300)
    void twoStreamsInAnyOrderAndAnyTimingShowNoFormInAnyView(@ForAll("cases") Case c, @ForAll long seed) throws IOException {
        Views v = twoStreams(Redactor.of(c.secrets()), c.input(), c.splits(), seed, true, new RedactionCounts());
        for (byte[] value : c.secrets().values()) {
            for (byte[] form : SecretForms.of(value)) {
                String f = new String(form, StandardCharsets.ISO_8859_1);
                assertThat(v.out()).doesNotContain(f);
                assertThat(v.err()).doesNotContain(f);
                assertThat(v.merged()).doesNotContain(f);
            }
        }
    }

    @Property(tries = 200)
    void twoStreamsWithoutSecretsPassByteExactInTheirOrder(@ForAll("cases") Case c, @ForAll long seed) throws IOException {
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
