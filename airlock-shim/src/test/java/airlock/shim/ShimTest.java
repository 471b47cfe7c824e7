package airlock.shim;

import java.nio.channels.Channels;
import airlock.protocol.FrameType;
import airlock.protocol.FrameWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the shim does with each frame from the daemon, and what it says under its own name. */
class ShimTest {
    final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    int relay(Frames frames) throws IOException {
        return Shim.relay(Channels.newChannel(new ByteArrayInputStream(frames.bytes.toByteArray())), Channels.newChannel(stdout), Channels.newChannel(stderr));
    }

    static final class Frames {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final FrameWriter w = new FrameWriter(bytes);

        Frames add(FrameType t, byte[] b) throws IOException {
            w.write(t, b);
            return this;
        }
    }

    @Test
    void outputIsReplayedByteExactAndTheStatusReturned() throws Exception {
        Frames f = new Frames().add(FrameType.STDOUT, new byte[]{0, (byte) 0xff, '\r', '\n'}).add(FrameType.STDERR, "warn".getBytes());
        f.w.exit(42, 0);
        assertThat(relay(f)).isEqualTo(42);
        assertThat(stdout.toByteArray()).containsExactly(0, 0xff, '\r', '\n');
        assertThat(stderr.toString()).isEqualTo("warn");
    }

    @Test
    void framesOfEverySizeArriveByteExactWhateverTheReadsReturn() throws Exception {
        // The relay buffers reads; frames that straddle reads, full 64 KiB frames and empty ones
        // must come out as they went in, from a socket that returns a few odd-sized bytes at a time.
        var random = new java.util.Random(7);
        var expected = new ByteArrayOutputStream();
        Frames f = new Frames();
        for (int size : new int[]{0, 1, 5, 65536, 65535, 3, 65536, 65536, 40000, 0, 12345}) {
            byte[] b = new byte[size];
            random.nextBytes(b);
            f.add(FrameType.STDOUT, b);
            expected.write(b);
        }
        f.add(FrameType.STDERR, "done".getBytes());
        f.w.exit(3, 0);
        var wire = new ByteArrayInputStream(f.bytes.toByteArray());
        java.nio.channels.ReadableByteChannel trickle = new java.nio.channels.ReadableByteChannel() {
            int call;
            @Override public int read(java.nio.ByteBuffer dst) {
                byte[] b = new byte[Math.min(dst.remaining(), 1 + (call++ * 7919) % 70001)];
                int n = wire.read(b, 0, b.length);
                if (n > 0) dst.put(b, 0, n);
                return n;
            }
            @Override public boolean isOpen() { return true; }
            @Override public void close() {}
        };
        assertThat(Shim.relay(trickle, Channels.newChannel(stdout), Channels.newChannel(stderr))).isEqualTo(3);
        assertThat(stdout.toByteArray()).isEqualTo(expected.toByteArray());
        assertThat(stderr.toString()).isEqualTo("done");
    }

    @Test
    void aFrameCutShortPrintsNothingOfItself() throws Exception {
        Frames f = new Frames().add(FrameType.STDOUT, "whole".getBytes()).add(FrameType.STDOUT, "cut short".getBytes());
        byte[] wire = java.util.Arrays.copyOf(f.bytes.toByteArray(), f.bytes.size() - 3);
        assertThatThrownBy(() -> Shim.relay(Channels.newChannel(new ByteArrayInputStream(wire)), Channels.newChannel(stdout), Channels.newChannel(stderr)))
                .isInstanceOf(airlock.protocol.ProtocolException.class).hasMessageContaining("truncated STDOUT frame");
        assertThat(stdout.toString()).isEqualTo("whole");
    }

    @Test
    void deathBySignalIs128PlusN() throws Exception {
        Frames f = new Frames();
        f.w.exit(0, 2);
        assertThat(relay(f)).isEqualTo(130);
    }

    @Test
    void aRefusalIsPrintedWithItsCode() throws Exception {
        Frames f = new Frames();
        f.w.refusal(126, "airlock: refused by the module layer (rule \"push\"): denied");
        assertThat(relay(f)).isEqualTo(126);
        assertThat(stderr.toString()).isEqualTo("airlock: refused by the module layer (rule \"push\"): denied\n");
    }

    @Test
    void aDaemonThatHangsUpOrMisbehavesIs125() throws Exception {
        assertThat(relay(new Frames().add(FrameType.STDOUT, "partial".getBytes()))).isEqualTo(125);
        assertThat(relay(new Frames().add(FrameType.STDIN, new byte[0]))).isEqualTo(125);
        Frames badExit = new Frames();
        badExit.w.exit(300, 0);
        assertThat(relay(badExit)).isEqualTo(125);
    }

    @Test
    void aClosedStdoutEndsTheShimLikeSigpipe() throws Exception {
        OutputStream closed = new OutputStream() {
            @Override public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        Frames f = new Frames().add(FrameType.STDOUT, "x".getBytes());
        f.w.exit(0, 0);
        assertThat(Shim.relay(Channels.newChannel(new ByteArrayInputStream(f.bytes.toByteArray())), Channels.newChannel(closed), Channels.newChannel(stderr))).isEqualTo(141);
    }

    @Test
    void underItsOwnNameItPrintsUsageAndVersion() {
        PrintStream saved = System.out;
        var out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out));
        try {
            assertThat(Shim.run(new Shim.Invocation("airlock-shim", List.of("--version")))).isZero();
            assertThat(out.toString()).isEqualTo("airlock-shim " + Shim.VERSION + "\n");
            out.reset();
            assertThat(Shim.run(new Shim.Invocation("airlock-shim", List.of()))).isZero();
            assertThat(out.toString()).contains("ln -s /usr/local/bin/airlock-shim /usr/local/bin/git")
                    .contains("125").contains("126").contains("127").contains("$AIRLOCK_SOCKET");
            assertThat(Shim.run(new Shim.Invocation("airlock-shim", List.of("--bogus")))).isEqualTo(2);
            out.reset();
            // as 'airlock' without a verb of its own: the same usage, which names the agent's verbs
            assertThat(Shim.run(new Shim.Invocation("airlock", List.of()))).isZero();
            assertThat(out.toString()).contains("airlock skill").contains("airlock secrets request NAME --description TEXT");
        } finally {
            System.setOut(saved);
        }
    }
}
