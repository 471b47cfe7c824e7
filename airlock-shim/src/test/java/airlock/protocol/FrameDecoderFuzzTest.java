package airlock.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * Whatever bytes a client sends, the frame and request decoders either return values within the
 * limits or throw an IOException (ProtocolException, EOF); never another exception, never a hang,
 * never an allocation beyond the limits. The module's build fuzzes it for 10 s (JAZZER_FUZZ=1 in
 * the surefire configuration), starting from the seeds in
 * src/test/resources/airlock/protocol/FrameDecoderFuzzTestInputs; bench/fuzz.sh fuzzes for longer.
 * A crash found becomes a seed file there, so it is replayed as a regression test from then on.
 */
class FrameDecoderFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void decodesOrRefuses(byte[] data) {
        FrameReader reader = new FrameReader(new ByteArrayInputStream(data));
        try {
            Frame f;
            while ((f = reader.read()) != null) {
                int max = f.type() == FrameType.REQUEST ? Limits.MAX_REQUEST : Limits.MAX_DATA;
                if (f.payload().length > max) throw new AssertionError("payload over the limit: " + f.payload().length);
                switch (f.type()) {
                    case REQUEST -> check(Request.decode(f.payload()));
                    case SIGNAL, EXIT -> new Payload(f.payload()).i32();
                    case REFUSAL -> {
                        Payload p = new Payload(f.payload());
                        p.i32();
                        p.string("message", Limits.MAX_DATA);
                    }
                    default -> { }
                }
            }
        } catch (EOFException | ProtocolException e) {
            // a clear refusal: what the decoder must do with bad input
        } catch (IOException e) {
            throw new AssertionError("a byte array cannot fail with " + e, e);
        }
    }

    private static void check(Request r) throws ProtocolException {
        if (r.args().size() > Limits.MAX_ARGS || r.env().size() > Limits.MAX_ENV_VARS) throw new AssertionError("limits not enforced: " + r);
        if (r.command().isEmpty() || r.command().contains("/")) throw new AssertionError("bad command accepted: " + r.command());
        if (r.cwd().indexOf('\0') >= 0 || r.args().stream().anyMatch(a -> a.indexOf('\0') >= 0)) throw new AssertionError("NUL accepted");
        if (!Request.decode(r.encode()).equals(r)) throw new AssertionError("decoded request does not re-encode to itself: " + r);
    }
}
