package airlock.daemon.redact;

import airlock.daemon.redact.RedactedOutput.Stream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static airlock.daemon.redact.RedactedOutput.Stream.STDERR;
import static airlock.daemon.redact.RedactedOutput.Stream.STDOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 22, points 2 and 3, on the merged-order redaction itself, driven by a clock the test
 * moves: a value split across the two streams is caught in the order the agent reads them, and
 * what the agent gets and at which tick does not depend on whether its text starts a secret.
 */
class RedactedOutputTest {
    static final String SECRET = "tok_SplitCanary_7Qx9vR2mK4pL";
    static final String MARK = "[airlock:redacted api_token]";
    static final long HOLD = RedactedOutput.HOLD_NANOS;

    /** What reached the agent: each write with the clock's time, as the frames would carry it. */
    record Event(long at, Stream stream, String bytes) {}

    static final class Agent implements RedactedOutput.Sink {
        final List<Event> events = new ArrayList<>();
        long now;

        @Override public void write(Stream stream, byte[] b, int off, int len) {
            events.add(new Event(now, stream, new String(b, off, len, StandardCharsets.ISO_8859_1)));
        }

        String view(Stream only) {
            StringBuilder s = new StringBuilder();
            for (Event e : events) if (only == null || e.stream() == only) s.append(e.bytes());
            return s.toString();
        }

        /** When each byte came and on which stream, without what it was: what timing alone tells. */
        List<String> shape() {
            return events.stream().map(e -> e.at() + " " + e.stream() + " " + e.bytes().length()).toList();
        }
    }

    final RedactionCounts counts = new RedactionCounts();
    final Agent agent = new Agent();
    final RedactedOutput out = new RedactedOutput(Redactor.of(Map.of("api_token", SECRET.getBytes(StandardCharsets.US_ASCII))),
            agent, counts, () -> agent.now, HOLD);

    void write(Stream s, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        out.write(s, b, 0, b.length);
    }

    void endBoth() throws IOException {
        out.end(STDOUT);
        out.end(STDERR);
    }

    @Test
    void aValueSplitAcrossTheStreamsIsRedactedInTheMergedOrder() throws IOException {
        write(STDERR, SECRET.substring(0, 12));
        out.end(STDERR); // stderr closed: its held prefix is NOT released
        assertThat(agent.events).isEmpty();
        write(STDOUT, SECRET.substring(12) + "\n");
        out.end(STDOUT);
        // the marker stands in each stream the value took bytes from; the audit counts one redaction
        assertThat(agent.view(null)).isEqualTo(MARK + MARK + "\n");
        assertThat(agent.view(STDERR)).isEqualTo(MARK);
        assertThat(agent.view(STDOUT)).isEqualTo(MARK + "\n");
        assertThat(counts.snapshot()).isEqualTo(Map.of("api_token", 1L));
    }

    /**
     * The same split as above, but the stdout pump handed its read over first: two pipes have no
     * common order, and on a loaded machine the thread of the later stream often wins (CI saw the
     * agent get the value's end, then its start, both in clear). The join the tool wrote, the new
     * write's end followed by the other stream's held run, is matched too.
     */
    @Test
    void aValueSplitAcrossTheStreamsIsRedactedWhenTheLaterPartArrivesFirst() throws IOException {
        write(STDOUT, SECRET.substring(12) + " done\n");
        out.end(STDOUT);
        write(STDERR, "warning: " + SECRET.substring(0, 12));
        out.end(STDERR);
        assertThat(agent.view(null)).doesNotContain(SECRET.substring(0, 6)).doesNotContain(SECRET.substring(14));
        assertThat(agent.view(STDOUT)).isEqualTo(MARK + " done\n");
        assertThat(agent.view(STDERR)).isEqualTo("warning: " + MARK);
        assertThat(counts.snapshot()).isEqualTo(Map.of("api_token", 1L));
    }

    /** The reversed join is looked for only at the switch, in held bytes: a later write of the other stream is not joined. */
    @Test
    void theReversedJoinIsOnlyTheNewRunsEndBeforeTheOtherStreamsHeldRun() throws IOException {
        write(STDOUT, SECRET.substring(12) + "\n");
        agent.now += HOLD;
        out.tick(); // stdout's run is out: nothing held is left to join
        write(STDERR, SECRET.substring(0, 12));
        endBoth();
        assertThat(agent.view(STDOUT)).isEqualTo(SECRET.substring(12) + "\n");
        assertThat(agent.view(STDERR)).isEqualTo(SECRET.substring(0, 12)); // under half, more than the hold apart: the documented price
    }

    @Test
    void aValueOnOneStreamWithTheOtherWritingInTheMiddleIsRedactedInThatStream() throws IOException {
        write(STDOUT, "a " + SECRET.substring(0, 9));
        write(STDERR, "progress 10%\n");
        write(STDOUT, SECRET.substring(9) + " b\n");
        endBoth();
        assertThat(agent.view(STDOUT)).isEqualTo("a " + MARK + " b\n");
        assertThat(agent.view(null)).doesNotContain(SECRET.substring(0, 9)).doesNotContain(SECRET.substring(9));
        assertThat(counts.total()).isEqualTo(1);
    }

    @Test
    void bothStreamsWithoutSecretsPassByteExactInTheOrderWritten() throws IOException {
        write(STDOUT, "one ");
        write(STDERR, "two ");
        write(STDOUT, "three\u00ff\u0000");
        write(STDERR, "tok_Split"); // a prefix, but the streams end: released (under half the form)
        endBoth();
        assertThat(agent.events).extracting(Event::stream, Event::bytes).containsExactly(
                org.assertj.core.groups.Tuple.tuple(STDOUT, "one "), org.assertj.core.groups.Tuple.tuple(STDERR, "two "),
                org.assertj.core.groups.Tuple.tuple(STDOUT, "three\u00ff\u0000"), org.assertj.core.groups.Tuple.tuple(STDERR, "tok_Split"));
        assertThat(counts.total()).isZero();
    }

    /**
     * The oracle of issue 22: an echoing tool, the agent's guess a prefix of the secret or not.
     * Every guess is held the same time and comes out at the same tick; under half the form it
     * comes out as it was written in both cases.
     */
    @Test
    void anEchoComesOutAtTheSameTickWhetherOrNotItStartsTheSecret() throws IOException {
        List<List<String>> shapes = new ArrayList<>();
        for (String guess : List.of("$ tok_Spl", "$ tok_Spx", "$ hello!!", "$ tok_Sp\n")) {
            Agent a = new Agent();
            RedactedOutput o = new RedactedOutput(Redactor.of(Map.of("api_token", SECRET.getBytes(StandardCharsets.US_ASCII))),
                    a, new RedactionCounts(), () -> a.now, HOLD);
            a.now = 1_000;
            byte[] b = guess.getBytes(StandardCharsets.US_ASCII);
            o.write(STDOUT, b, 0, b.length);
            assertThat(o.tick()).isEqualTo(1_000 + HOLD);
            a.now = 1_000 + HOLD - 1;
            o.tick();
            assertThat(a.events).as("held the whole hold, whatever it is").isEmpty();
            a.now = 1_000 + HOLD;
            assertThat(o.tick()).isEqualTo(Long.MAX_VALUE);
            assertThat(a.view(null)).isEqualTo(guess);
            shapes.add(a.shape());
        }
        assertThat(shapes).containsOnly(List.of(1_000 + HOLD + " STDOUT 9"));
    }

    /** Output that keeps coming is released by the bytes after it, not by what it is. */
    @Test
    void aFastStreamIsReleasedByVolumeAtTheSameBytesWhetherOrNotItEndsInAPrefix() throws IOException {
        List<List<String>> shapes = new ArrayList<>();
        for (String tail : List.of("tok_Spl", "xyz_abc")) {
            Agent a = new Agent();
            RedactedOutput o = new RedactedOutput(Redactor.of(Map.of("api_token", SECRET.getBytes(StandardCharsets.US_ASCII))),
                    a, new RedactionCounts(), () -> a.now, HOLD);
            byte[] chunk = new byte[RedactedOutput.HOLD_BYTES / 2 - 7];
            java.util.Arrays.fill(chunk, (byte) 'a');
            byte[] t = tail.getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 4; i++) {
                o.write(STDOUT, chunk, 0, chunk.length);
                o.write(STDOUT, t, 0, t.length);
            }
            shapes.add(a.shape());
        }
        assertThat(shapes.get(0)).isEqualTo(shapes.get(1)).isNotEmpty();
    }

    /** At the end of the hold, a held prefix of at least half the value is masked, never shown; the rest, when it comes, too. */
    @Test
    void aHeldPrefixOfHalfTheValueOrMoreIsMaskedWhenTheHoldEndsAndSoIsItsRest() throws IOException {
        int half = (SECRET.length() + 1) / 2;
        write(STDOUT, "key=" + SECRET.substring(0, half));
        agent.now = HOLD;
        out.tick();
        assertThat(agent.view(STDOUT)).isEqualTo("key=" + MARK);
        agent.now = 5 * HOLD;
        write(STDOUT, SECRET.substring(half) + "\n");
        agent.now = 6 * HOLD;
        out.tick();
        endBoth();
        assertThat(agent.view(null)).isEqualTo("key=" + MARK + MARK + "\n");
        assertThat(counts.total()).isEqualTo(2);
    }

    @Test
    void underHalfTheValueAHeldPrefixIsReleasedAndTheRestOfTheValueIsStillRedacted() throws IOException {
        write(STDOUT, "key=" + SECRET.substring(0, 6));
        agent.now = HOLD;
        out.tick();
        assertThat(agent.view(STDOUT)).isEqualTo("key=" + SECRET.substring(0, 6));
        agent.now = 3 * HOLD;
        write(STDOUT, SECRET.substring(6) + "\n");
        endBoth();
        assertThat(agent.view(null)).isEqualTo("key=" + SECRET.substring(0, 6) + MARK + "\n").doesNotContain(SECRET);
    }

    @Test
    void atTheEndOfBothStreamsAHeldPrefixOfHalfTheValueIsMasked() throws IOException {
        write(STDERR, SECRET.substring(0, 20));
        out.end(STDERR);
        write(STDOUT, "done\n");
        out.end(STDOUT);
        assertThat(agent.view(STDERR)).isEqualTo(MARK);
        assertThat(agent.view(STDOUT)).isEqualTo("done\n");
        assertThat(counts.total()).isEqualTo(1);
    }

    @Test
    void theEncodingsAreRedactedAcrossTheStreamsToo() throws IOException {
        for (byte[] form : SecretForms.of(SECRET.getBytes(StandardCharsets.US_ASCII))) {
            Agent a = new Agent();
            RedactionCounts c = new RedactionCounts();
            RedactedOutput o = new RedactedOutput(Redactor.of(Map.of("api_token", SECRET.getBytes(StandardCharsets.US_ASCII))),
                    a, c, () -> a.now, HOLD);
            for (int k = 1; k < form.length; k += 5) {
                o.write(STDERR, form, 0, k);
                o.write(STDOUT, form, k, form.length - k);
                o.write(STDOUT, new byte[]{'\n'}, 0, 1);
            }
            o.end(STDERR);
            o.end(STDOUT);
            String merged = a.view(null);
            assertThat(merged).doesNotContain(new String(form, StandardCharsets.ISO_8859_1));
            assertThat(merged.replace(MARK, "").replace("\n", "")).as(new String(form, StandardCharsets.ISO_8859_1)).isEmpty();
        }
    }

    /** Writes larger than the hold release part of themselves at once: the same result as one stream redacted whole. */
    @Test
    void largeWritesGiveWhatTheSingleStreamRedactionGives() throws IOException {
        java.util.Random random = new java.util.Random(22);
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        List<byte[]> forms = SecretForms.of(SECRET.getBytes(StandardCharsets.US_ASCII));
        while (in.size() < 5 * RedactedOutput.HOLD_BYTES) {
            byte[] text = new byte[random.nextInt(3 * RedactedOutput.HOLD_BYTES / 2)];
            for (int i = 0; i < text.length; i++) text[i] = (byte) (' ' + random.nextInt(95));
            in.writeBytes(text);
            in.writeBytes(forms.get(random.nextInt(forms.size())));
        }
        byte[] all = in.toByteArray();
        ByteArrayOutputStream single = new ByteArrayOutputStream();
        RedactionCounts singleCounts = new RedactionCounts();
        try (RedactingStream s = Redactor.of(Map.of("api_token", SECRET.getBytes(StandardCharsets.US_ASCII))).stream(single, singleCounts)) {
            s.write(all);
        }
        for (int at = 0; at < all.length; ) {
            int n = Math.min(all.length - at, 1 + random.nextInt(2 * RedactedOutput.HOLD_BYTES));
            out.write(STDOUT, all, at, n);
            at += n;
        }
        endBoth();
        assertThat(agent.view(STDOUT)).isEqualTo(single.toString(StandardCharsets.ISO_8859_1));
        assertThat(counts.snapshot()).isEqualTo(singleCounts.snapshot());
    }

    @Test
    void writesAfterTheEndFail() throws IOException {
        out.end(STDOUT);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> write(STDOUT, "x")).hasMessageContaining("after the end");
        ByteArrayOutputStream unused = new ByteArrayOutputStream();
        assertThat(unused.size()).isZero();
    }
}
