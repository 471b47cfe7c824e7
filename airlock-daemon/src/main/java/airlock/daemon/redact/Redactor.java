package airlock.daemon.redact;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The matcher for one run's secrets: an Aho-Corasick automaton over every {@link SecretForms form}
 * of every value. Immutable and shared by the run's streams; each stream
 * ({@link #stream}: one byte sequence, a file's content) or run output ({@link #output}: a tool's
 * stdout and stderr, alone and merged, with the uniform hold) keeps its own position. Built in well
 * under a millisecond for a handful of credentials, so it is made per run rather than cached (a
 * cache would keep values alive).
 *
 * <p>The automaton's state after each byte is the longest tail of the output that is still the
 * start of some form; that is exactly what a {@link RedactingStream} must hold back, and nothing
 * more. Per state it also knows how long a held prefix must be to be masked ({@link RedactedOutput}).
 */
public final class Redactor {
    /** SecretForms.MIN_FORM_BYTES - 1: the least stride of the coarse skip (see {@link #window}). */
    static final int STRIDE = SecretForms.MIN_FORM_BYTES - 1;
    /**
     * The most. A longer stride sets more window pairs (stride per form), so text hits the window
     * more often, but a hit costs only the fine scan of one stride: for five 43-byte tokens (stride
     * 42) bench/redaction.sh gave zeros 7.3 -> 15 GiB/s and log text 2.0 -> 3.9 GiB/s against 7
     * (docs/performance.md).
     */
    static final int MAX_STRIDE = 64;
    public static final Redactor NONE = new Redactor(List.of(), new Builder());

    private final List<String> names;
    private final byte[][] markers;
    /** Root transitions, dense: most bytes of ordinary output stop here. */
    final int[] rootNext = new int[256];
    final boolean[] starts = new boolean[256];
    /**
     * The first two bytes of every form ({@code b0 << 8 | b1}): in ordinary text nearly every byte
     * can start some encoding (base64 and hex use most letters), but few pairs can, so the
     * stream skips on pairs and enters the automaton far less often.
     */
    final boolean[] pairs = new boolean[65536];
    /**
     * Every pair at offsets 0..stride-1 of every form. Every form is at least stride + 1 bytes, so a
     * match starting at s holds the pair at the one position j in [s, s+stride-1] the coarse skip
     * looks at: a pair at j that is in none of these rules out a match starting anywhere in
     * [j-stride+1, j], and the stream looks at 1 byte in {@link #stride}.
     */
    final boolean[] window = new boolean[65536];
    /**
     * The coarse skip's stride: the shortest form's length - 1 (a form is at least
     * {@link SecretForms#MIN_FORM_BYTES}, so at least {@link #STRIDE}), at most {@link #MAX_STRIDE}.
     * Per run: a run's values are mostly long tokens, whose shortest form is far above 8 bytes.
     */
    final int stride;
    /** Per state: children as a sorted run in childBytes/childStates. */
    final int[] childFrom, childCount;
    final byte[] childBytes;
    final int[] childStates;
    final int[] fail, depth;
    /** Per state: length of the longest form that ends here (0: none) and whose secret it is. */
    final int[] matchLength, matchSecret;
    final int longestForm;
    /**
     * Per state: the depth at which a tail in this state is a held prefix that
     * {@link RedactedOutput} masks when its hold ends instead of releasing it in clear: half the
     * shortest form the state is a prefix of, at least {@link SecretForms#MIN_FORM_BYTES}, at most
     * {@link RedactedOutput#HOLD_BYTES} (see RedactedOutput for why half). Per state also the
     * secret of that shortest form, which names the marker.
     */
    final int[] maskAt, prefixSecret;

    private Redactor(List<String> names, Builder b) {
        this.names = List.copyOf(names);
        this.stride = Math.clamp(b.shortest - 1L, STRIDE, MAX_STRIDE);
        this.markers = new byte[names.size()][];
        for (int i = 0; i < names.size(); i++) markers[i] = marker(names.get(i));
        int n = b.states();
        childFrom = new int[n];
        childCount = new int[n];
        for (int s = 1; s < n; s++) childCount[b.parent[s]]++;
        int edges = 0;
        for (int s = 0; s < n; s++) {
            childFrom[s] = edges;
            edges += childCount[s];
        }
        childBytes = new byte[edges];
        childStates = new int[edges];
        int[] filled = new int[n];
        for (int s = 1; s < n; s++) {
            int p = b.parent[s], at = childFrom[p] + filled[p]++;
            childBytes[at] = b.edge[s];
            childStates[at] = s;
        }
        fail = new int[n];
        depth = java.util.Arrays.copyOf(b.depth, n);
        matchLength = new int[n];
        matchSecret = new int[n];
        for (int s = 0; s < n; s++) {
            if (b.terminal[s] >= 0) {
                matchLength[s] = depth[s];
                matchSecret[s] = b.terminal[s];
            }
        }
        int longest = 0;
        for (int d : depth) longest = Math.max(longest, d);
        longestForm = longest;
        // a child is always numbered after its parent: one pass from the last state up the trie
        int[] shortest = new int[n];
        prefixSecret = new int[n];
        java.util.Arrays.fill(shortest, Integer.MAX_VALUE);
        for (int s = 0; s < n; s++) {
            if (b.terminal[s] >= 0) {
                shortest[s] = depth[s];
                prefixSecret[s] = b.terminal[s];
            }
        }
        for (int s = n - 1; s > 0; s--) {
            int p = b.parent[s];
            if (shortest[s] < shortest[p]) {
                shortest[p] = shortest[s];
                prefixSecret[p] = prefixSecret[s];
            }
        }
        maskAt = new int[n];
        for (int s = 0; s < n; s++) {
            maskAt[s] = shortest[s] == Integer.MAX_VALUE ? Integer.MAX_VALUE
                    : Math.min(Math.max((shortest[s] + 1) / 2, SecretForms.MIN_FORM_BYTES), RedactedOutput.HOLD_BYTES);
        }
        // breadth first: a state's failure link is shallower, so it is final when the state is reached
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int c = 0; c < childCount[0]; c++) {
            int child = childStates[childFrom[0] + c];
            rootNext[childBytes[childFrom[0] + c] & 0xff] = child;
            starts[childBytes[childFrom[0] + c] & 0xff] = true;
            fail[child] = 0;
            queue.add(child);
        }
        while (!queue.isEmpty()) {
            int s = queue.poll();
            if (matchLength[s] == 0 && matchLength[fail[s]] > 0) {
                matchLength[s] = matchLength[fail[s]];
                matchSecret[s] = matchSecret[fail[s]];
            }
            for (int c = 0; c < childCount[s]; c++) {
                int child = childStates[childFrom[s] + c];
                byte x = childBytes[childFrom[s] + c];
                fail[child] = next(fail[s], x);
                queue.add(child);
            }
        }
    }

    /** A redactor for these secrets (name to value); values' forms shorter than 8 bytes are not matched. */
    public static Redactor of(Map<String, byte[]> secrets) {
        if (secrets.isEmpty()) return NONE;
        Builder b = new Builder();
        List<String> names = new ArrayList<>(new TreeMap<>(secrets).keySet());
        // longest values first: a form shared by two secrets is reported under the longer one
        List<String> order = new ArrayList<>(names);
        order.sort((x, y) -> Integer.compare(secrets.get(y).length, secrets.get(x).length));
        List<byte[]> all = new ArrayList<>();
        for (String name : order) {
            int id = names.indexOf(name);
            for (byte[] form : SecretForms.of(secrets.get(name))) {
                b.add(form, id);
                all.add(form);
            }
        }
        Redactor r = new Redactor(names, b);
        for (byte[] form : all) {
            r.pairs[(form[0] & 0xff) << 8 | (form[1] & 0xff)] = true;
            for (int k = 0; k < r.stride; k++) r.window[(form[k] & 0xff) << 8 | (form[k + 1] & 0xff)] = true;
        }
        return r;
    }

    /** {@code [airlock:redacted NAME]}: says what was there without saying anything about its value. */
    public static byte[] marker(String name) {
        return ("[airlock:redacted " + name + "]").getBytes(StandardCharsets.UTF_8);
    }

    public boolean isEmpty() {
        return names.isEmpty();
    }

    public List<String> names() {
        return names;
    }

    byte[] markerOf(int secret) {
        return markers[secret];
    }

    String nameOf(int secret) {
        return names.get(secret);
    }

    int states() {
        return depth.length;
    }

    /** A stream that writes {@code downstream} with every form of every secret replaced by its marker. */
    public RedactingStream stream(OutputStream downstream, RedactionCounts counts) {
        return new RedactingStream(this, downstream, counts);
    }

    /**
     * The run's two output streams, each redacted alone and in the order the agent gets them
     * merged, with the hold that makes what the agent sees and when independent of whether its
     * text is a prefix of a secret (see {@link RedactedOutput}). {@code clock} gives nanoseconds.
     */
    public RedactedOutput output(RedactedOutput.Sink downstream, RedactionCounts counts, java.util.function.LongSupplier clock) {
        return output(downstream, counts, clock, RedactedOutput.HOLD_NANOS);
    }

    /**
     * The same with another hold: for tests that must not depend on the machine's speed (a tool
     * that stalls past the hold between two parts of a value is the documented price, which a
     * loaded test machine would otherwise pay at random). Nothing in a configuration reaches it.
     */
    public RedactedOutput output(RedactedOutput.Sink downstream, RedactionCounts counts, java.util.function.LongSupplier clock,
                                 long holdNanos) {
        return new RedactedOutput(this, downstream, counts, clock, holdNanos);
    }

    /** The automaton's step: from state {@code s} on byte {@code x}. */
    int next(int s, byte x) {
        while (true) {
            if (s == 0) return rootNext[x & 0xff];
            int from = childFrom[s], to = from + childCount[s];
            for (int i = from; i < to; i++) {
                if (childBytes[i] == x) return childStates[i];
            }
            s = fail[s];
        }
    }

    /**
     * The trie of every form, before links are computed: plain int arrays with each state's
     * children as a linked list (first child, next sibling), because a long multi-line value (a
     * certificate bundle) makes hundreds of thousands of states, nearly all with one child, and a
     * map per state cost the daemon seconds and tens of MiB per run.
     */
    private static final class Builder {
        int[] parent = new int[16], firstChild = new int[16], nextSibling = new int[16], depth = new int[16], terminal = new int[16];
        byte[] edge = new byte[16];
        /** The shortest form added: bounds the coarse skip's stride. */
        int shortest = Integer.MAX_VALUE;
        private int n;

        Builder() {
            newState(-1, (byte) 0, 0);
        }

        int states() {
            return n;
        }

        private int newState(int from, byte x, int d) {
            if (n == depth.length) {
                int size = n * 2;
                parent = java.util.Arrays.copyOf(parent, size);
                firstChild = java.util.Arrays.copyOf(firstChild, size);
                nextSibling = java.util.Arrays.copyOf(nextSibling, size);
                depth = java.util.Arrays.copyOf(depth, size);
                terminal = java.util.Arrays.copyOf(terminal, size);
                edge = java.util.Arrays.copyOf(edge, size);
            }
            int s = n++;
            parent[s] = from;
            edge[s] = x;
            depth[s] = d;
            terminal[s] = -1;
            firstChild[s] = -1;
            nextSibling[s] = -1;
            if (from >= 0) {
                nextSibling[s] = firstChild[from];
                firstChild[from] = s;
            }
            return s;
        }

        void add(byte[] form, int secret) {
            shortest = Math.min(shortest, form.length);
            int s = 0;
            for (byte x : form) {
                int next = firstChild[s];
                while (next >= 0 && edge[next] != x) next = nextSibling[next];
                s = next >= 0 ? next : newState(s, x, depth[s] + 1);
            }
            if (terminal[s] < 0) terminal[s] = secret;
        }
    }

    @Override
    public String toString() {
        return "Redactor" + names + " (" + states() + " states)"; // names only: never a value
    }
}
