package airlock.daemon.sandbox;

import airlock.daemon.redact.RedactingStream;
import airlock.daemon.redact.RedactionCounts;
import airlock.daemon.redact.Redactor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The vault's redactor (every form of every secret the run holds) as the file scan's {@link Redaction}. */
public record VaultRedaction(Redactor redactor) implements Redaction {
    /** {@link Redaction#NONE} for a run that holds no secret: then nothing is listed or scanned. */
    public static Redaction of(Redactor r) {
        return r.isEmpty() ? Redaction.NONE : new VaultRedaction(r);
    }

    @Override
    public Redacted apply(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length);
        RedactionCounts counts = new RedactionCounts();
        try {
            RedactingStream s = redactor.stream(out, counts);
            s.write(content);
            s.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        long n = counts.total();
        return new Redacted(n == 0 ? content : out.toByteArray(), (int) Math.min(n, Integer.MAX_VALUE));
    }

    /** Streams: only the held tail (a possible start of a form) is ever in memory. */
    @Override
    public long copy(java.io.InputStream in, java.io.OutputStream out) throws IOException {
        RedactionCounts counts = new RedactionCounts();
        RedactingStream s = redactor.stream(out, counts);
        in.transferTo(s);
        s.finish();
        return counts.total();
    }
}
