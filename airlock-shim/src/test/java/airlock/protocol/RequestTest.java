package airlock.protocol;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The REQUEST payload: what round-trips, and a clear refusal for every limit and malformed field. */
class RequestTest {
    static final Request SAMPLE = new Request(Request.Mode.RUN, "git", List.of("log", "--format=%H", "ünïcode", ""),
            "/workspace/repo", Map.of("TERM", "xterm", "EMPTY", ""), "ab".repeat(32), true);

    @Test
    void roundTrips() throws Exception {
        assertThat(Request.decode(SAMPLE.encode())).isEqualTo(SAMPLE);
        var check = new Request(Request.Mode.CHECK, "terraform", List.of(), "/", Map.of(), "", false);
        assertThat(Request.decode(check.encode())).isEqualTo(check);
    }

    @Test
    void anUnknownVersionIsRefusedClearly() {
        byte[] b = SAMPLE.encode();
        b[3] = 2;
        assertThatThrownBy(() -> Request.decode(b)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("protocol version 2 is not supported").hasMessageContaining("speaks version 1");
        assertThatThrownBy(() -> Request.decode(new byte[]{0, 0})).hasMessageContaining("too short to hold a protocol version");
    }

    @Test
    void everyTruncationIsRefused() {
        byte[] b = SAMPLE.encode();
        for (int len = 0; len < b.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(b, len);
            assertThatThrownBy(() -> Request.decode(cut)).isInstanceOf(ProtocolException.class);
        }
    }

    @Test
    void strayBytesAreRefused() {
        byte[] b = java.util.Arrays.copyOf(SAMPLE.encode(), SAMPLE.encode().length + 1);
        assertThatThrownBy(() -> Request.decode(b)).hasMessageContaining("stray bytes");
    }

    @Test
    void argvLimits() {
        var tooMany = new Request(Request.Mode.RUN, "git", Collections.nCopies(Limits.MAX_ARGS + 1, "x"), "/", Map.of(), "", false);
        assertThatThrownBy(() -> Request.decode(tooMany.encode())).hasMessageContaining("argv of 8193 arguments is over the limit of 8192");
        List<String> big = new ArrayList<>();
        for (int i = 0; i < 7; i++) big.add("é".repeat(64 * 1024)); // 7 x 128 KiB of UTF-8: over 768 KiB in bytes, not in chars
        var tooBig = new Request(Request.Mode.RUN, "git", big, "/", Map.of(), "", false);
        assertThatThrownBy(() -> Request.decode(tooBig.encode())).hasMessageContaining("argv is over the limit of " + Limits.MAX_ARGV_BYTES + " bytes");
    }

    @Test
    void environmentLimits() {
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i <= Limits.MAX_ENV_VARS; i++) many.put("V" + i, "");
        assertThatThrownBy(() -> Request.decode(new Request(Request.Mode.RUN, "git", List.of(), "/", many, "", false).encode()))
                .hasMessageContaining("environment of 4097 variables is over the limit of 4096");
        var big = Map.of("A", "x".repeat(200 * 1024), "B", "y".repeat(100 * 1024));
        assertThatThrownBy(() -> Request.decode(new Request(Request.Mode.RUN, "git", List.of(), "/", big, "", false).encode()))
                .hasMessageContaining("environment is over the limit of " + Limits.MAX_ENV_BYTES + " bytes");
    }

    @Test
    void namesAndPathsAreChecked() {
        assertThatThrownBy(() -> decode("../git", List.of(), "/", Map.of(), "")).hasMessageContaining("not a plain file name");
        assertThatThrownBy(() -> decode("", List.of(), "/", Map.of(), "")).hasMessageContaining("not a plain file name");
        assertThatThrownBy(() -> decode("g".repeat(256), List.of(), "/", Map.of(), "")).hasMessageContaining("command of 256 bytes is over the limit of 255");
        assertThatThrownBy(() -> decode("git", List.of("a\0b"), "/", Map.of(), "")).hasMessageContaining("argument 1 contains a NUL byte");
        assertThatThrownBy(() -> decode("git", List.of(), "/a\0", Map.of(), "")).hasMessageContaining("cwd contains a NUL byte");
        assertThatThrownBy(() -> decode("git", List.of(), "/" + "d".repeat(5000), Map.of(), "")).hasMessageContaining("cwd of 5001 bytes");
        assertThatThrownBy(() -> decode("git", List.of(), "/", Map.of("A=B", "c"), "")).hasMessageContaining("'=' in its name");
        assertThatThrownBy(() -> decode("git", List.of(), "/", Map.of(), "../../etc")).hasMessageContaining("not hexadecimal");
    }

    @Test
    void aDuplicatedVariableIsRefused() {
        byte[] b = new Payload.Builder().i32(1).u8(0).string("git").i32(0).string("/").i32(2)
                .string("A").string("1").string("A").string("2").string("").u8(0).bytes();
        assertThatThrownBy(() -> Request.decode(b)).hasMessageContaining("'A' is sent twice");
    }

    @Test
    void hugeDeclaredLengthsAreRefusedWithoutAllocating() {
        byte[] b = new Payload.Builder().i32(1).u8(0).i32(Integer.MAX_VALUE).bytes();
        assertThatThrownBy(() -> Request.decode(b)).hasMessageContaining("does not fit the payload");
        byte[] argc = new Payload.Builder().i32(1).u8(0).string("git").i32(-1).bytes();
        assertThatThrownBy(() -> Request.decode(argc)).hasMessageContaining("over the limit");
    }

    @Test
    void invalidUtf8IsRefused() {
        byte[] b = new Payload.Builder().i32(1).u8(0).i32(2).u8(0xc3).u8(0x28).bytes();
        assertThatThrownBy(() -> Request.decode(b)).hasMessageContaining("not valid UTF-8");
    }

    private static Request decode(String command, List<String> args, String cwd, Map<String, String> env, String id) throws ProtocolException {
        return Request.decode(new Request(Request.Mode.RUN, command, args, cwd, env, id, false).encode());
    }
}
