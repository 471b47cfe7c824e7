package airlock.protocol;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Frames on a byte stream: every kind round-trips; broken ones are refused before allocation. */
class FrameReaderTest {
    @Test
    void everyFrameKindRoundTrips() throws Exception {
        var bytes = new ByteArrayOutputStream();
        FrameWriter w = new FrameWriter(bytes);
        w.write(FrameType.REQUEST, RequestTest.SAMPLE.encode());
        w.write(FrameType.STDIN, new byte[]{0, 1, (byte) 255});
        w.write(FrameType.STDIN_EOF, new byte[0]);
        w.signal(2);
        w.write(FrameType.STDOUT, new byte[]{10});
        w.write(FrameType.STDERR, new byte[]{13});
        w.exit(42, 0);
        w.refusal(126, "airlock: refused");
        w.write(FrameType.VERDICT, new byte[0]);
        FrameReader r = new FrameReader(new ByteArrayInputStream(bytes.toByteArray()));
        assertThat(Request.decode(r.expect(FrameType.REQUEST).payload())).isEqualTo(RequestTest.SAMPLE);
        assertThat(r.expect(FrameType.STDIN).payload()).containsExactly(0, 1, 255);
        assertThat(r.expect(FrameType.STDIN_EOF).payload()).isEmpty();
        assertThat(new Payload(r.expect(FrameType.SIGNAL).payload()).i32()).isEqualTo(2);
        assertThat(r.expect(FrameType.STDOUT).payload()).containsExactly(10);
        assertThat(r.expect(FrameType.STDERR).payload()).containsExactly(13);
        Payload exit = new Payload(r.expect(FrameType.EXIT).payload());
        assertThat(exit.i32()).isEqualTo(42);
        assertThat(exit.i32()).isZero();
        Payload refusal = new Payload(r.expect(FrameType.REFUSAL).payload());
        assertThat(refusal.i32()).isEqualTo(126);
        assertThat(refusal.string()).isEqualTo("airlock: refused");
        assertThat(r.expect(FrameType.VERDICT).payload()).isEmpty();
        assertThat(r.read()).isNull();
    }

    @Test
    void dataIsSplitIntoFramesOfAtMostTheLimit() throws Exception {
        var bytes = new ByteArrayOutputStream();
        byte[] data = new byte[Limits.MAX_DATA * 2 + 1];
        new FrameWriter(bytes).data(FrameType.STDOUT, data, 0, data.length);
        FrameReader r = new FrameReader(new ByteArrayInputStream(bytes.toByteArray()));
        assertThat(r.read().payload()).hasSize(Limits.MAX_DATA);
        assertThat(r.read().payload()).hasSize(Limits.MAX_DATA);
        assertThat(r.read().payload()).hasSize(1);
    }

    @Test
    void anOversizedLengthIsRefusedBeforeReadingThePayload() {
        InputStream endless = new InputStream() {
            int header = 0;
            @Override public int read() {
                byte[] h = {(byte) FrameType.STDIN.code, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
                return header < h.length ? h[header++] & 0xff : 0;
            }
        };
        assertThatThrownBy(() -> new FrameReader(endless).read()).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("STDIN frame of 2147483647 bytes is over the limit of 65536");
        byte[] request = {1, 0, 0x10, 0, 1}; // 1 MiB + 1
        assertThatThrownBy(() -> new FrameReader(new ByteArrayInputStream(request)).read())
                .hasMessageContaining("REQUEST frame of 1048577 bytes is over the limit of 1048576");
        byte[] negative = {2, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        assertThatThrownBy(() -> new FrameReader(new ByteArrayInputStream(negative)).read())
                .hasMessageContaining("4294967295 bytes is over the limit");
    }

    @Test
    void truncatedAndUnknownFramesAreRefused() {
        assertThatThrownBy(() -> new FrameReader(new ByteArrayInputStream(new byte[]{2, 0, 0})).read())
                .isInstanceOf(ProtocolException.class).hasMessageContaining("truncated frame header");
        assertThatThrownBy(() -> new FrameReader(new ByteArrayInputStream(new byte[]{2, 0, 0, 0, 5, 1, 2})).read())
                .isInstanceOf(ProtocolException.class).hasMessageContaining("truncated STDIN frame: 2 of 5 bytes");
        assertThatThrownBy(() -> new FrameReader(new ByteArrayInputStream(new byte[]{99, 0, 0, 0, 0})).read())
                .isInstanceOf(ProtocolException.class).hasMessageContaining("unknown frame type 99");
    }

    @Test
    void aStreamThatEndsBeforeTheExpectedFrameSaysSo() {
        assertThatThrownBy(() -> new FrameReader(new ByteArrayInputStream(new byte[0])).expect(FrameType.REQUEST))
                .isInstanceOf(EOFException.class).hasMessageContaining("before a REQUEST frame");
        assertThatThrownBy(() -> new FrameReader(new ByteArrayInputStream(new byte[]{2, 0, 0, 0, 0})).expect(FrameType.REQUEST))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("expected REQUEST frame, got STDIN");
    }

    @Test
    void aLengthAnnouncedButNotSentAllocatesOnlyWhatArrived() throws IOException {
        // 1 MiB announced, 10 bytes sent, then the end: refused as truncated after reading 10 bytes
        byte[] b = {1, 0, 0x10, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThatThrownBy(() -> new FrameReader(new ByteArrayInputStream(b)).read()).hasMessageContaining("10 of 1048576 bytes");
    }
}
