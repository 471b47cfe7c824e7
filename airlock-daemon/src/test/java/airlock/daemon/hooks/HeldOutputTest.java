package airlock.daemon.hooks;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A run's two streams held for the post-exec hook (issue 23: no frames any more, the run writes each stream). */
class HeldOutputTest {
    @Test
    void holdsStdoutAndStderrByteExact() throws Exception {
        HeldOutput held = new HeldOutput(1 << 20);
        byte[] binary = new byte[70_000];
        for (int i = 0; i < binary.length; i++) binary[i] = (byte) i;
        held.write(false, binary, 0, binary.length);
        held.write(true, "warn\n".getBytes(StandardCharsets.UTF_8), 0, 5);
        held.write(false, new byte[0], 0, 0);
        held.write(false, "!".getBytes(StandardCharsets.UTF_8), 0, 1);
        byte[] expected = new byte[binary.length + 1];
        System.arraycopy(binary, 0, expected, 0, binary.length);
        expected[binary.length] = '!';
        assertThat(held.stdout()).isEqualTo(expected);
        assertThat(new String(held.stderr(), StandardCharsets.UTF_8)).isEqualTo("warn\n");
        assertThat(held.overflowed()).isFalse();
    }

    @Test
    void pastTheCapAWriteFailsAndTheOverflowIsRemembered() throws Exception {
        HeldOutput held = new HeldOutput(10);
        held.write(false, "12345".getBytes(StandardCharsets.UTF_8), 0, 5);
        held.write(true, "678".getBytes(StandardCharsets.UTF_8), 0, 3);
        assertThatThrownBy(() -> held.write(false, "abc".getBytes(StandardCharsets.UTF_8), 0, 3))
                .isInstanceOf(IOException.class).hasMessageContaining("over the limit of 10 bytes");
        assertThat(held.overflowed()).isTrue();
        assertThat(held.stdout().length + held.stderr().length).isLessThanOrEqualTo(10);
    }
}
