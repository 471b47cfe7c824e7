package airlock.daemon.hooks;

import airlock.protocol.FrameType;
import airlock.protocol.FrameWriter;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The frames a run writes, split back into stdout and stderr for the post-exec hook. */
class HeldOutputTest {
    @Test
    void splitsFramesIntoStdoutAndStderrByteExact() throws Exception {
        HeldOutput held = new HeldOutput(1 << 20);
        FrameWriter w = new FrameWriter(held);
        byte[] binary = new byte[70_000];
        for (int i = 0; i < binary.length; i++) binary[i] = (byte) i;
        w.data(FrameType.STDOUT, binary, 0, binary.length); // two frames: over Limits.MAX_DATA
        w.write(FrameType.STDERR, "warn\n".getBytes(StandardCharsets.UTF_8));
        w.write(FrameType.STDOUT, new byte[0]);
        w.write(FrameType.STDOUT, "!".getBytes(StandardCharsets.UTF_8));
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
        FrameWriter w = new FrameWriter(held);
        w.write(FrameType.STDOUT, "12345".getBytes(StandardCharsets.UTF_8));
        w.write(FrameType.STDERR, "678".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> w.write(FrameType.STDOUT, "abc".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class).hasMessageContaining("over the limit of 10 bytes");
        assertThat(held.overflowed()).isTrue();
        assertThat(held.stdout().length + held.stderr().length).isLessThanOrEqualTo(10);
    }

    @Test
    void anyOtherFrameIsRefused() {
        HeldOutput held = new HeldOutput(100);
        assertThatThrownBy(() -> new FrameWriter(held).exit(0, 0)).isInstanceOf(IOException.class);
    }
}
