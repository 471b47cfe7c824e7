package airlock.daemon.redact;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * One output stream of a run (stdout or stderr) with every form of every secret replaced by
 * {@code [airlock:redacted NAME]} before it reaches {@code downstream}. Streaming: bytes pass
 * as soon as they cannot be part of a match; only the tail that could still become one is held,
 * so a value split across two writes (two pipe reads, two frames) at any offset is still caught.
 * Overlapping matches (a value inside a longer encoded one) merge into one redaction, so no part
 * of the longer form is left in clear; the longest match names it. Bytes outside matches pass
 * unchanged, binary included.
 *
 * <p>{@link #flush} passes on only what is already safe; {@link #finish} (at the end of the
 * stream) releases the held tail. Not for concurrent writers: one stream per pump.
 */
public final class RedactingStream extends OutputStream {
    /** A chain of overlapping matches longer than this is released in pieces (memory stays bounded). */
    static final int MAX_REGION = 1 << 20;

    private final Redactor r;
    private final OutputStream down;
    private final RedactionCounts counts;
    private int state;
    /** Bytes taken in so far (absolute offsets below count from the stream's start). */
    private long pos;
    /** Everything before this was written downstream or replaced. */
    private long emitted;
    /** The bytes [emitted, pos) not yet written: they might still be part of a match. */
    private byte[] held = new byte[64];
    private byte[] spare = new byte[64];
    private int heldLen;
    /**
     * Matches found but not replaced yet, in order and disjoint: a longer form that would cover
     * several of them (a multi-line value whose lines matched one by one) may still complete.
     */
    private final ArrayDeque<Region> regions = new ArrayDeque<>();
    private boolean finished;
    // the write being processed
    private byte[] in;
    private int inOff;
    private long inStart;

    RedactingStream(Redactor r, OutputStream down, RedactionCounts counts) {
        this.r = r;
        this.down = down;
        this.counts = counts;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (finished) throw new IOException("airlock: redaction: write after the end of the stream");
        if (len == 0) return;
        in = b;
        inOff = off;
        inStart = pos;
        long end = pos + len;
        int q = state;
        long p = pos;
        int[] matchLength = r.matchLength;
        while (p < end) {
            if (q == 0 && regions.isEmpty()) {
                // nothing live: skip to the next byte that can start a form
                int i = skip(b, off + (int) (p - inStart), off + len, r);
                p = inStart + (i - off);
                if (p >= end) break;
            }
            q = r.next(q, b[off + (int) (p - inStart)]);
            p++;
            int ml = matchLength[q];
            if (ml > 0) found(Math.max(p - ml, emitted), p, r.matchSecret[q]);
            if (!regions.isEmpty()) {
                long live = p - r.depth[q];
                while (!regions.isEmpty() && (regions.peekFirst().end <= live || p - regions.peekFirst().start > MAX_REGION)) {
                    commit(regions.pollFirst());
                }
            }
        }
        state = q;
        pos = end;
        long safe = pos - r.depth[q];
        if (!regions.isEmpty()) safe = Math.min(safe, regions.peekFirst().start);
        safe = Math.max(safe, emitted);
        emit(emitted, safe);
        emitted = safe;
        keepTail();
        in = null;
    }

    /** The first index in [i, lim) where a form could start ({@code lim} when none can). */
    static int skip(byte[] b, int i, int lim, Redactor r) {
        boolean[] starts = r.starts, pairs = r.pairs, window = r.window;
        int stride = r.stride, last = lim - 1;
        while (true) {
            // coarse: one pair every stride bytes; a pair outside the window at j rules out starts in [j - stride + 1, j]
            int j = i + stride - 1;
            while (j + 1 < lim && !window[(b[j] & 0xff) << 8 | (b[j + 1] & 0xff)]) j += stride;
            i = Math.max(i, j - (stride - 1));
            // fine, one table load per byte (a single-byte pre-check was 3x slower on text: mispredicted
            // branches), over the stride the window hit at j vouches for, or to the end of the write
            int upTo = j + 1 < lim ? j + 1 : last;
            while (i < upTo && !pairs[(b[i] & 0xff) << 8 | (b[i + 1] & 0xff)]) i++;
            if (i < upTo) return i;
            if (j + 1 < lim) continue; // no start in the hit's stride: coarse again from j + 1 (= i)
            // the write's last byte has no pair yet: it is skipped only if it starts nothing
            if (i == last && !starts[b[i] & 0xff]) i++;
            return i;
        }
    }

    /** A pending redaction [start, end) and the secrets it names, in the order they matched. */
    private static final class Region {
        final long start, end;
        int[] secrets = new int[2];
        int count;

        Region(long start, long end) {
            this.start = start;
            this.end = end;
        }

        void add(int id) {
            for (int i = 0; i < count; i++) if (secrets[i] == id) return;
            if (count == secrets.length) secrets = Arrays.copyOf(secrets, count * 2);
            secrets[count++] = id;
        }
    }

    /**
     * The longest form ending at {@code end}. It absorbs every pending region it overlaps; when it
     * covers them whole it alone names the redaction (the longest match wins), otherwise the
     * redaction names every secret involved.
     */
    private void found(long start, long end, int secret) {
        long from = start;
        ArrayDeque<Region> absorbed = new ArrayDeque<>(2);
        while (!regions.isEmpty() && regions.peekLast().end > start) {
            Region last = regions.pollLast();
            absorbed.addFirst(last);
            from = Math.min(from, last.start);
        }
        Region merged = new Region(from, end);
        if (from < start) {
            for (Region a : absorbed) for (int i = 0; i < a.count; i++) merged.add(a.secrets[i]);
        }
        merged.add(secret);
        regions.addLast(merged);
    }

    private void commit(Region g) throws IOException {
        emit(emitted, g.start);
        for (int i = 0; i < g.count; i++) {
            down.write(r.markerOf(g.secrets[i]));
            counts.add(r.nameOf(g.secrets[i]));
        }
        emitted = g.end;
    }

    /** Writes the original bytes [from, to): the held ones first, then the current write's. */
    private void emit(long from, long to) throws IOException {
        if (to <= from) return;
        long heldStart = inStart - heldLen;
        if (from < inStart) {
            long upTo = Math.min(to, inStart);
            down.write(held, (int) (from - heldStart), (int) (upTo - from));
            from = upTo;
        }
        if (from < to) down.write(in, inOff + (int) (from - inStart), (int) (to - from));
    }

    /** Moves [emitted, pos) into the held buffer for the next write. */
    private void keepTail() {
        int n = (int) (pos - emitted);
        if (spare.length < n) spare = new byte[Math.max(n, spare.length * 2)];
        long heldStart = inStart - heldLen;
        int k = 0;
        if (emitted < inStart) {
            int from = (int) (emitted - heldStart);
            k = heldLen - from;
            System.arraycopy(held, from, spare, 0, k);
        }
        long inFrom = Math.max(emitted, inStart);
        System.arraycopy(in, inOff + (int) (inFrom - inStart), spare, k, (int) (pos - inFrom));
        byte[] t = held;
        held = spare;
        spare = t;
        heldLen = n;
    }

    /** Passes on what is safe already; the held tail stays held (it may be the start of a secret). */
    @Override
    public void flush() throws IOException {
        down.flush();
    }

    /**
     * The end of the stream: pending matches are replaced, the rest of the held tail is written,
     * and downstream is flushed (not closed). Later writes fail.
     */
    public void finish() throws IOException {
        if (finished) return;
        finished = true;
        in = new byte[0];
        inOff = 0;
        inStart = pos;
        while (!regions.isEmpty()) commit(regions.pollFirst());
        emit(emitted, pos);
        emitted = pos;
        heldLen = 0;
        down.flush();
    }

    @Override
    public void close() throws IOException {
        try {
            finish();
        } finally {
            down.close();
        }
    }
}
