package airlock.daemon.redact;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A run's stdout and stderr with every form of every secret replaced by
 * {@code [airlock:redacted NAME]}, in each stream alone AND in the order the agent gets them
 * merged: an agent reads {@code 2>&1}, so a value whose first bytes went to stderr and the rest to
 * stdout is whole in what it sees (issue 22, point 2). Three views of one byte sequence are
 * matched: stdout alone, stderr alone, and both in the order the pumps handed them over, which is
 * the order they are released in and so the order of the frames. A match in any view removes its
 * bytes from every view; a match in one stream's own view leaves the other stream's bytes written
 * in the middle of it alone (the pumps interleave the streams' reads as they please, so that is
 * common). While only one stream writes, the views' automata are in
 * the same state and one step serves them all, so the merged pass costs next to nothing there.
 *
 * <h2>The hold, and why it is the same for every byte (issue 22, point 3)</h2>
 * Redaction must hold back bytes that might be the start of a secret. Holding exactly those (what
 * {@link RedactingStream} does) makes "is this text a prefix of a secret?" visible: a long-lived
 * tool that echoes agent-chosen text (kubectl exec, ssh, a REPL) shows a wrong guess at once and
 * a right one only later, and guessing one character at a time recovers a token in minutes.
 * So here <b>every</b> byte is held the same way, whatever it is: it is released when
 * {@link #HOLD_NANOS} has passed since the write that brought it, or when {@link #HOLD_BYTES}
 * more bytes have come after it (16 KiB), or when both streams have ended, whichever is first. All three
 * depend only on when and how much the tool wrote, never on what: the timing of an echo tells
 * nothing. The bound on bytes keeps memory per run fixed; the bound on time keeps an interactive
 * tool usable (a tenth of a second late).
 *
 * <p>What a byte BECOMES when released still depends on the secrets, and must not answer
 * "prefix?" for a feasible guess either:
 * <ul>
 * <li>inside a whole form: the marker (a guess of a whole secret is not feasible);
 * <li>inside a tail that is still a prefix of some form, of at least HALF that form (the shortest
 *     one it could still become, and at least {@link SecretForms#MIN_FORM_BYTES}): masked with
 *     the marker too, and the automaton keeps its state, so the rest of the form, when it comes,
 *     is redacted as well. Never a held prefix in clear, at a deadline or at the end of the
 *     streams, from half a form on;
 * <li>otherwise (no match, or a prefix shorter than half a form): in clear, exactly as written.
 *     A form completed later is still redacted from where the released part ends.
 * </ul>
 * Why half: the only answer the release gives about a prefix is for one of at least half a form,
 * so probing it needs half the value guessed at once (for a random 40-character token, 20
 * characters: 10^35 guesses), and the character-by-character walk starts only after that. A
 * smaller fixed minimum would not do: a known type prefix ({@code github_pat_}, a JWT's header)
 * and the hex and {@code \\u} forms (where each known byte is 2 or 6 known characters) would hand an attacker
 * the minimum for free. The price, said in docs/secrets.md: a value the tool writes in two parts
 * more than the hold apart shows the first part in clear when it is under half the value; a value
 * whose first half the agent knows can be walked one character per hold.
 *
 * <p>Thread-safe: the two pumps and the run's timer call in; each call runs under this object's
 * lock, which also orders the frames. Call {@link #tick} at {@link #tick}'s answer (the next
 * deadline); {@link #end} each stream when it closes.
 */
public final class RedactedOutput {
    /** How long every written byte is held at most (see the class comment). */
    public static final long HOLD_NANOS = 100_000_000L;
    /** How many later bytes release a held byte at once: bounds the memory of a fast stream. */
    public static final int HOLD_BYTES = 16 * 1024;
    /** The longest run of bytes {@link #send} joins into one {@link Sink} call: a frame's payload limit (airlock.protocol.Limits.MAX_DATA). */
    static final int MAX_JOINED = 64 * 1024;

    public enum Stream { STDOUT, STDERR }

    private static final Stream[] STREAMS = Stream.values();

    /** Where released bytes go, in the order the agent gets them: one call per run of one stream's bytes. */
    @FunctionalInterface
    public interface Sink {
        void write(Stream stream, byte[] b, int off, int len) throws IOException;
    }

    private final Redactor r;
    private final Sink down;
    private final RedactionCounts counts;
    private final LongSupplier clock;
    private final long holdNanos;

    /**
     * [emitted, pos) are held. Between writes they are all in buf, the merged byte at position p
     * at buf[p - base]; during a write, those from {@code inStart} on are still in the writer's
     * array ({@code in} from {@code inOff}): what a write releases of itself goes out from there
     * (or, when it follows held bytes in the same call, is copied behind them in buf: one frame,
     * see {@link #send}), and what stays held is copied.
     */
    private byte[] buf = new byte[4096];
    private long base, emitted, pos, inStart;
    private byte[] in;
    private int inOff;
    /** Runs of one stream in merged order, from the one that holds {@code emitted} on: start, that stream's offset there, stream. */
    private long[] segStart = new long[16], segOffset = new long[16];
    private byte[] segStream = new byte[16];
    private int segHead, segEnd;
    /** Each write not yet released: where it ends and when it came. */
    private long[] arrivalEnd = new long[16], arrivalTime = new long[16];
    private int arrivalHead, arrivalTail;
    /** Automaton states: the merged view and each stream's own; bytes per stream; where each stream's last write ended. */
    private int merged;
    private final int[] own = new int[2];
    private final long[] written = new long[2], lastEnd = new long[2];
    private final boolean[] ended = new boolean[2];
    /**
     * A match not yet wholly released, in one stream's list: that stream's bytes in [start, end)
     * and the secrets it names. A match of the merged view goes in both lists; a match in one
     * stream's own view in that stream's only, so the other stream's bytes written in the middle
     * of it (the pumps interleave reads as they please: common) pass. {@code shown}: its marker
     * is out, and the rest of its bytes are dropped as they come due.
     */
    private static final class Region {
        final long start;
        long end;
        int[] secrets = new int[2];
        int count, counted;
        boolean shown;
        /** The same match in the other stream's list (a match of the merged view): counted once for both. */
        Region twin;

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

    private static final int BOTH = 3;

    /** Per stream, its matches not yet wholly released: disjoint, by start. */
    @SuppressWarnings("unchecked")
    private final List<Region>[] regions = new List[]{new ArrayList<Region>(), new ArrayList<Region>()};
    private boolean finished;

    RedactedOutput(Redactor r, Sink down, RedactionCounts counts, LongSupplier clock, long holdNanos) {
        this.r = r;
        this.down = down;
        this.counts = counts;
        this.clock = clock;
        this.holdNanos = holdNanos;
    }

    /** Takes in bytes one stream wrote; releases whatever is due. */
    public synchronized void write(Stream stream, byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        int x = stream.ordinal();
        if (finished || ended[x]) throw new IOException("airlock: redaction: write after the end of " + stream);
        if (len == 0) return;
        // the other stream's run just before this write, if it is held whole: see joinReversed
        long otherRun = segEnd > segHead && segStream[segEnd - 1] != x && segStart[segEnd - 1] >= emitted ? segStart[segEnd - 1] : -1;
        if (segEnd == segHead || segStream[segEnd - 1] != x) addSegment(x);
        long segmentStart = segStart[segEnd - 1];
        in = b;
        inOff = off;
        inStart = pos;

        int q = merged, qx = own[x];
        // in step: both views hold the same tail, made of this stream's bytes only
        boolean same = q == qx && pos - r.depth[q] >= segmentStart;
        long p = pos, end = pos + len, ownStart = written[x] - pos; // own offset = p + ownStart
        int[] matchLength = r.matchLength;
        while (p < end) {
            if (same) {
                if (q == 0) {
                    int i = RedactingStream.skip(b, off + (int) (p - pos), off + len, r);
                    p = pos + (i - off);
                    if (p >= end) break;
                }
                q = r.next(q, b[off + (int) (p - pos)]);
                p++;
                if (matchLength[q] > 0) found(p - matchLength[q], p, r.matchSecret[q], BOTH);
                qx = q;
            } else {
                byte c = b[off + (int) (p - pos)];
                q = r.next(q, c);
                qx = r.next(qx, c);
                p++;
                if (matchLength[q] > 0) found(p - matchLength[q], p, r.matchSecret[q], BOTH);
                if (matchLength[qx] > 0) found(mergedAt(x, p + ownStart - matchLength[qx]), p, r.matchSecret[qx], 1 << x);
                same = q == qx && p - r.depth[q] >= segmentStart;
            }
        }
        merged = q;
        own[x] = qx;
        pos = end;
        written[x] += len;
        lastEnd[x] = end;
        if (otherRun >= 0) joinReversed(x, otherRun);
        long now = clock.getAsLong();
        if (arrivalTail == arrivalEnd.length) compactArrivals();
        arrivalEnd[arrivalTail] = end;
        arrivalTime[arrivalTail++] = now;
        try {
            release(due(now));
        } finally {
            keep();
        }
    }

    /**
     * Two pipes have no common order: the tool may write a value's start on stream x and its end
     * on the other, yet the other's pump hand its read over first (on a loaded machine, often).
     * The merged view then holds the end before the start. So at each switch, while the other
     * stream's run before this write is held whole, the join the tool may have written is matched
     * as well: this write's last bytes followed by that run's first. A form across the join is
     * redacted in both streams and counted once. Only that join: a value cut at any other place
     * by the race, or written in two parts more than the hold apart, is the price docs/secrets.md
     * names. Costs at most two longest forms of automaton steps per switch, none while one stream writes.
     */
    private void joinReversed(int x, long otherRun) {
        int reach = r.longestForm - 1;
        if (reach <= 0) return;
        long end = pos, from = Math.max(inStart, end - reach);
        int q = 0;
        for (long p = from; p < end; p++) q = r.next(q, in[inOff + (int) (p - inStart)]);
        long headEnd = Math.min(inStart, otherRun + reach);
        for (long p = otherRun; p < headEnd; p++) {
            q = r.next(q, buf[(int) (p - base)]);
            int inHead = (int) (p + 1 - otherRun), length = r.matchLength[q];
            if (length > inHead) { // starts in this write's end: across the join
                int secret = r.matchSecret[q];
                Region start = found(regions[x], end - (length - inHead), end, secret);
                Region rest = found(regions[1 - x], otherRun, p + 1, secret);
                start.twin = rest;
                rest.twin = start;
            }
        }
    }

    /** The stream closed. When both have, everything held is released (held prefixes by the same rule as at a deadline). */
    public synchronized void end(Stream stream) throws IOException {
        ended[stream.ordinal()] = true;
        if (ended[0] && ended[1] && !finished) {
            release(pos);
            finished = true;
        }
    }

    /** Releases what the clock says is due; answers when to call again ({@link Long#MAX_VALUE}: nothing is held). */
    public synchronized long tick() throws IOException {
        if (!finished) release(due(clock.getAsLong()));
        return nextDeadline();
    }

    public synchronized boolean finished() {
        return finished;
    }

    /** One stream as an OutputStream (for a pump); close ends it. */
    public OutputStream stream(Stream stream) {
        return new OutputStream() {
            @Override public void write(int b) throws IOException { write(new byte[]{(byte) b}, 0, 1); }
            @Override public void write(byte[] b, int off, int len) throws IOException { RedactedOutput.this.write(stream, b, off, len); }
            @Override public void close() throws IOException { end(stream); }
        };
    }

    private long nextDeadline() {
        for (int i = arrivalHead; i < arrivalTail; i++) {
            if (arrivalEnd[i] > emitted) return arrivalTime[i] + holdNanos;
        }
        return Long.MAX_VALUE;
    }

    /** How far the hold allows release now: by bytes after, and by writes whose time is up. */
    private long due(long now) {
        long upTo = pos - HOLD_BYTES;
        while (arrivalHead < arrivalTail && (arrivalEnd[arrivalHead] <= emitted || now - arrivalTime[arrivalHead] >= holdNanos)) {
            upTo = Math.max(upTo, arrivalEnd[arrivalHead]);
            arrivalHead++;
        }
        return upTo;
    }

    /**
     * Releases the held bytes before {@code upTo}: matches as markers, a held prefix of at least
     * half a form as a marker (the tail of each view that reaches into the released part), the
     * rest in clear. Nothing after {@code upTo} goes, not even the rest of a region whose marker
     * is out: its bytes are dropped when they come due, so no byte leaves earlier than its hold.
     */
    private void release(long upTo) throws IOException {
        upTo = Math.min(upTo, pos);
        if (upTo <= emitted) return;
        maskTail(merged, pos - r.depth[merged], pos, upTo, BOTH);
        for (int x = 0; x < 2; x++) {
            int q = own[x];
            if (q != 0 && r.depth[q] >= r.maskAt[q]) maskTail(q, mergedAt(x, written[x] - r.depth[q]), lastEnd[x], upTo, 1 << x);
        }
        int k = segHead;
        while (k + 1 < segEnd && segStart[k + 1] <= emitted) k++;
        for (long from = emitted; from < upTo; k++) {
            long stop = Math.min(upTo, k + 1 < segEnd ? segStart[k + 1] : pos);
            release(segStream[k], from, stop);
            from = stop;
        }
        emitted = upTo;
        for (List<Region> rs : regions) while (!rs.isEmpty() && rs.getFirst().end <= emitted) rs.removeFirst();
        while (segEnd - segHead > 1 && segStart[segHead + 1] <= emitted) segHead++;
    }

    /**
     * Releases stream {@code s}'s bytes [from, to): clear, or the marker where one of its regions
     * begins (once; the region's later bytes are dropped). Counted once per secret and stream.
     */
    private void release(int s, long from, long to) throws IOException {
        List<Region> rs = regions[s];
        Stream stream = STREAMS[s];
        while (from < to) {
            Region g = rs.isEmpty() ? null : rs.getFirst();
            if (g != null && g.end <= from) {
                rs.removeFirst();
            } else if (g != null && g.start <= from) {
                if (!g.shown) {
                    g.shown = true;
                    for (int i = 0; i < g.count; i++) {
                        byte[] m = r.markerOf(g.secrets[i]);
                        down.write(stream, m, 0, m.length);
                    }
                }
                for (; g.counted < g.count; g.counted++) counts.add(r.nameOf(g.secrets[g.counted]));
                Region t = g.twin;
                if (t != null && t.twin == g && Arrays.equals(t.secrets, 0, t.count, g.secrets, 0, g.count)) t.counted = t.count;
                from = Math.min(to, g.end);
            } else {
                long stop = g == null ? to : Math.min(to, g.start);
                send(stream, from, stop);
                from = stop;
            }
        }
    }

    private void maskTail(int q, long start, long end, long upTo, int streams) {
        start = Math.max(start, emitted);
        if (q == 0 || r.depth[q] < r.maskAt[q] || start >= upTo || start >= end) return;
        found(start, end, r.prefixSecret[q], streams);
    }

    /** The merged position of stream {@code x}'s byte at its own offset {@code offset} ({@code emitted} if released already). */
    private long mergedAt(int x, long offset) {
        for (int k = segEnd - 1; k >= segHead; k--) {
            if (segStream[k] == x && offset >= segOffset[k]) return Math.max(emitted, segStart[k] + (offset - segOffset[k]));
        }
        return emitted;
    }

    /** A match [start, end) of {@code streams}' bytes: into each one's list. */
    private void found(long start, long end, int secret, int streams) {
        start = Math.max(start, emitted);
        if (start >= end) return;
        Region[] in = new Region[2];
        for (int x = 0; x < 2; x++) if ((streams & (1 << x)) != 0) in[x] = found(regions[x], start, end, secret);
        if (in[0] != null && in[1] != null) {
            in[0].twin = in[1];
            in[1].twin = in[0];
        }
    }

    /**
     * It absorbs every region of the list it overlaps; when it covers them whole it alone names
     * the redaction (the longest match wins), otherwise every secret involved does. A region
     * whose marker is out already just grows: its later bytes are dropped with the rest.
     */
    private static Region found(List<Region> rs, long start, long end, int secret) {
        int i = 0;
        while (i < rs.size() && rs.get(i).end <= start) i++;
        int j = i;
        long from = start, to = end;
        boolean covers = true, shown = false;
        while (j < rs.size() && rs.get(j).start < end) {
            Region g = rs.get(j++);
            if (g.start < start || g.end > end) covers = false;
            from = Math.min(from, g.start);
            to = Math.max(to, g.end);
            shown |= g.shown;
        }
        if (j == i + 1 && rs.get(i).shown) {
            Region g = rs.get(i);
            g.end = to;
            g.add(secret);
            return g;
        }
        Region merged = new Region(from, to);
        merged.shown = shown;
        if (!covers || shown) for (int k = i; k < j; k++) for (int s = 0; s < rs.get(k).count; s++) merged.add(rs.get(k).secrets[s]);
        merged.add(secret);
        rs.subList(i, j).clear();
        rs.add(i, merged);
        return merged;
    }

    private void addSegment(int x) {
        if (segEnd == segStart.length) {
            int n = segEnd - segHead;
            if (segHead < segStart.length / 2) {
                segStart = Arrays.copyOf(segStart, segStart.length * 2);
                segOffset = Arrays.copyOf(segOffset, segOffset.length * 2);
                segStream = Arrays.copyOf(segStream, segStream.length * 2);
            }
            System.arraycopy(segStart, segHead, segStart, 0, n);
            System.arraycopy(segOffset, segHead, segOffset, 0, n);
            System.arraycopy(segStream, segHead, segStream, 0, n);
            segHead = 0;
            segEnd = n;
        }
        segStart[segEnd] = pos;
        segOffset[segEnd] = written[x];
        segStream[segEnd++] = (byte) x;
    }

    private void compactArrivals() {
        int n = arrivalTail - arrivalHead;
        if (arrivalHead < arrivalEnd.length / 2) {
            arrivalEnd = Arrays.copyOf(arrivalEnd, arrivalEnd.length * 2);
            arrivalTime = Arrays.copyOf(arrivalTime, arrivalTime.length * 2);
        }
        System.arraycopy(arrivalEnd, arrivalHead, arrivalEnd, 0, n);
        System.arraycopy(arrivalTime, arrivalHead, arrivalTime, 0, n);
        arrivalHead = 0;
        arrivalTail = n;
    }

    /**
     * Writes the held bytes [from, to) of one stream: those before the current write from buf, the
     * rest from the write. When they span both (a fast stream: the last write's held 16 KiB, then
     * the new write's first part), the write's part is copied behind them in buf and they go in one
     * call, so one frame, not two: the frames halve, and with them the shim's writes to the agent's
     * pipe and its reader's reads, for a copy of what is released of the write (bench/redaction-proxy.sh).
     * At most {@link #MAX_JOINED} bytes, a frame's payload limit, so a join never makes a call longer
     * than the two it replaces could be.
     */
    private void send(Stream stream, long from, long to) throws IOException {
        if (in != null && from < inStart && to > inStart && to - from <= MAX_JOINED) {
            int held = (int) (inStart - from), n = (int) (to - inStart);
            if (inStart - base + n > buf.length) {
                // bytes before from are sent already: buf keeps [from, inStart) at its start
                byte[] into = held + n > buf.length ? new byte[Math.max(buf.length * 2, held + n)] : buf;
                System.arraycopy(buf, (int) (from - base), into, 0, held);
                buf = into;
                base = from;
            }
            System.arraycopy(in, inOff, buf, (int) (inStart - base), n);
            down.write(stream, buf, (int) (from - base), held + n);
            return;
        }
        long fromBuf = Math.min(to, in == null ? to : inStart);
        if (from < fromBuf) down.write(stream, buf, (int) (from - base), (int) (fromBuf - from));
        from = Math.max(from, fromBuf);
        if (from < to) down.write(stream, in, inOff + (int) (from - inStart), (int) (to - from));
    }

    /** After a write: what is still held of it goes into buf (released bytes dropped first, grown only if needed). */
    private void keep() {
        long from = Math.max(emitted, inStart);
        int n = (int) (pos - from);
        if (emitted >= inStart) {
            base = emitted; // nothing in buf is held any more
        } else if (inStart - base + n > buf.length) {
            int held = (int) (inStart - emitted);
            byte[] to = held + n > buf.length ? new byte[Math.max(buf.length * 2, held + n)] : buf;
            System.arraycopy(buf, (int) (emitted - base), to, 0, held);
            buf = to;
            base = emitted;
        }
        if (n > buf.length) buf = new byte[Math.max(buf.length * 2, n)];
        if (n > 0) System.arraycopy(in, inOff + (int) (from - inStart), buf, (int) (from - base), n);
        in = null;
        inStart = pos;
    }

    @Override
    public String toString() {
        return "RedactedOutput" + r.names(); // names only: never a value
    }
}
