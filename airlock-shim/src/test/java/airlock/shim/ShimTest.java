package airlock.shim;

import airlock.protocol.FrameReader;
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

/** What the shim does with each frame from the daemon, and what it says under its own name. */
class ShimTest {
    final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    int relay(Frames frames) throws IOException {
        return Shim.relay(new FrameReader(new ByteArrayInputStream(frames.bytes.toByteArray())), stdout, stderr);
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
        assertThat(Shim.relay(new FrameReader(new ByteArrayInputStream(f.bytes.toByteArray())), closed, stderr)).isEqualTo(141);
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
