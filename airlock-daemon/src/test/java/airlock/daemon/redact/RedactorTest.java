package airlock.daemon.redact;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RedactorTest {
    static final byte[] TOKEN = "ghp_Canary9f3K2mQ7xZ/+\"\\ é".getBytes(StandardCharsets.UTF_8);
    static final Redactor R = Redactor.of(Map.of("github_token", TOKEN));
    static final String MARK = "[airlock:redacted github_token]";

    /** Feeds {@code input} split at the given offsets and returns what came out. */
    static byte[] run(Redactor r, byte[] input, RedactionCounts counts, int... splits) throws IOException {
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

    static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void everyFormIsReplacedWhenSplitAtEveryOffset() throws IOException {
        List<byte[]> forms = SecretForms.of(TOKEN);
        assertThat(forms.size()).isGreaterThan(15);
        for (byte[] form : forms) {
            byte[] input = ("before " + new String(form, StandardCharsets.ISO_8859_1) + " after").getBytes(StandardCharsets.ISO_8859_1);
            for (int k = 0; k <= input.length; k++) {
                RedactionCounts counts = new RedactionCounts();
                String out = new String(run(R, input, counts, k), StandardCharsets.ISO_8859_1);
                assertThat(out).as("form %s split at %d", new String(form, StandardCharsets.ISO_8859_1), k)
                        .isEqualTo("before " + MARK + " after");
                assertThat(counts.snapshot()).isEqualTo(Map.of("github_token", 1L));
            }
            // and one byte per write
            int[] all = new int[input.length - 1];
            for (int i = 0; i < all.length; i++) all[i] = i + 1;
            assertThat(new String(run(R, input, new RedactionCounts(), all), StandardCharsets.ISO_8859_1)).isEqualTo("before " + MARK + " after");
        }
    }

    @Test
    void coversTheNamedEncodings() {
        List<String> forms = SecretForms.of(TOKEN).stream().map(f -> new String(f, StandardCharsets.ISO_8859_1)).toList();
        assertThat(forms).contains(HexFormat.of().formatHex(TOKEN), HexFormat.of().withUpperCase().formatHex(TOKEN),
                Base64.getEncoder().encodeToString(TOKEN), Base64.getUrlEncoder().encodeToString(TOKEN),
                Base64.getUrlEncoder().withoutPadding().encodeToString(TOKEN),
                new String(TOKEN, StandardCharsets.ISO_8859_1),
                "ghp_Canary9f3K2mQ7xZ%2F%2B%22%5C%20%C3%A9", "ghp_Canary9f3K2mQ7xZ%2f%2b%22%5c%20%c3%a9",
                "ghp_Canary9f3K2mQ7xZ/+\\\"\\\\ \u00c3\u00a9", "ghp_Canary9f3K2mQ7xZ\\/+\\\"\\\\ \\u00e9");
    }

    @Test
    void base64OfTheSecretInsideALongerTextIsCaughtAtEveryAlignment() throws IOException {
        Random random = new Random(7);
        for (int prefix = 0; prefix < 6; prefix++) {
            for (int suffix = 0; suffix < 4; suffix++) {
                byte[] before = new byte[prefix], after = new byte[suffix];
                random.nextBytes(before);
                random.nextBytes(after);
                byte[] whole = concat(before, TOKEN, after);
                for (Base64.Encoder enc : List.of(Base64.getEncoder(), Base64.getUrlEncoder(), Base64.getEncoder().withoutPadding())) {
                    String encoded = enc.encodeToString(whole);
                    String out = str(run(R, ("x " + encoded + " y").getBytes(StandardCharsets.US_ASCII), new RedactionCounts(), 3));
                    assertThat(out).as("prefix %d suffix %d", prefix, suffix).contains(MARK);
                    // what is left of the encoded text is the characters that also hold other bytes' bits
                    String left = out.replace(MARK, "");
                    assertThat(left.length()).isLessThanOrEqualTo(4 + (prefix * 4 + 2) / 3 + 1 + (suffix * 4 + 2) / 3 + 3);
                }
            }
        }
    }

    @Test
    void eachLongLineOfAMultiLineValueIsCaughtOnItsOwn() throws IOException {
        byte[] key = "-----BEGIN KEY-----\nAAAAB3NzaC1yc2EAAAADAQAB\nshort\n-----END KEY-----\n".getBytes(StandardCharsets.US_ASCII);
        Redactor r = Redactor.of(Map.of("deploy_key", key));
        String out = str(run(r, "got AAAAB3NzaC1yc2EAAAADAQAB and short\r\n".getBytes(StandardCharsets.US_ASCII), new RedactionCounts(), 9));
        assertThat(out).isEqualTo("got [airlock:redacted deploy_key] and short\r\n");
        String crlf = str(run(r, new String(key, StandardCharsets.US_ASCII).replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII), new RedactionCounts()));
        assertThat(crlf).isEqualTo("[airlock:redacted deploy_key]");
    }

    @Test
    void bytesThatMatchNothingPassUnchangedAndOnlyAPossibleStartIsHeld() throws IOException {
        byte[] binary = new byte[70_000];
        new Random(1).nextBytes(binary);
        assertThat(run(R, binary, new RedactionCounts(), 1, 4096, 65536)).isEqualTo(binary);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RedactingStream s = R.stream(out, new RedactionCounts());
        s.write("hello ghp_Can".getBytes(StandardCharsets.US_ASCII));
        s.flush();
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("hello ");
        s.write("dy".getBytes(StandardCharsets.US_ASCII));
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("hello ghp_Candy");
        s.finish();
    }

    @Test
    void aHeldPrefixIsReleasedAtTheEnd() throws IOException {
        assertThat(str(run(R, "ends with ghp_Canary9f3".getBytes(StandardCharsets.US_ASCII), new RedactionCounts(), 12)))
                .isEqualTo("ends with ghp_Canary9f3");
    }

    @Test
    void theLongestFormWinsAndOverlapsLeaveNothingInClear() throws IOException {
        byte[] a = "abcdefgh12345678".getBytes(StandardCharsets.US_ASCII);
        byte[] b = "12345678ZYXWVUTS".getBytes(StandardCharsets.US_ASCII);
        Redactor r = Redactor.of(Map.of("a", a, "b", b));
        RedactionCounts counts = new RedactionCounts();
        assertThat(str(run(r, "[abcdefgh12345678ZYXWVUTS]".getBytes(StandardCharsets.US_ASCII), counts, 10)))
                .isEqualTo("[[airlock:redacted a][airlock:redacted b]]");
        assertThat(counts.snapshot()).isEqualTo(Map.of("a", 1L, "b", 1L));
        Redactor shared = Redactor.of(Map.of("short_one", "12345678".getBytes(StandardCharsets.US_ASCII),
                "long_one", "12345678abcd".getBytes(StandardCharsets.US_ASCII)));
        assertThat(str(run(shared, "x12345678abcdy".getBytes(StandardCharsets.US_ASCII), new RedactionCounts())))
                .isEqualTo("x[airlock:redacted long_one]y");
    }

    @Test
    void repeatedValuesAreCountedEachTime() throws IOException {
        RedactionCounts counts = new RedactionCounts();
        String t = new String(TOKEN, StandardCharsets.UTF_8);
        String out = str(run(R, (t + "\n" + t + t + "\n").getBytes(StandardCharsets.UTF_8), counts, 5, 40));
        assertThat(out).isEqualTo(MARK + "\n" + MARK + MARK + "\n");
        assertThat(counts.snapshot()).isEqualTo(Map.of("github_token", 3L));
    }

    @Test
    void noSecretsMeansEveryBytePasses() throws IOException {
        byte[] data = "anything at all".getBytes(StandardCharsets.US_ASCII);
        assertThat(run(Redactor.NONE, data, new RedactionCounts(), 3)).isEqualTo(data);
        assertThat(Redactor.of(Map.of("x", TOKEN)).toString()).doesNotContain("Canary");
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }
}
