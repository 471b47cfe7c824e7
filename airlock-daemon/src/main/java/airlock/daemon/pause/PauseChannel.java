package airlock.daemon.pause;

import airlock.daemon.core.AgentRequest;
import airlock.daemon.pipeline.CallerLink;
import airlock.daemon.pipeline.Finish;
import airlock.daemon.pipeline.Reply;
import airlock.daemon.pipeline.RunPauses;
import airlock.daemon.redact.RedactionCounts;
import airlock.daemon.redact.Redactor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One sandboxed run's way to pause: a unix socket in a directory of the run's own (0700, a random
 * name, bound read-only into that run's sandbox and no other), and a random token the run finds
 * in its environment. Another run, another profile or the agent's own tools have neither the
 * directory in view nor the token. The script's side is the Python module {@code airlock.llm};
 * the wire is {@code AIRLOCK-PAUSE 1}, the token, the prompt's length and the prompt; the answer
 * is {@code ok|timeout|refused LENGTH} and its bytes. One pause at a time; each pause is handed
 * to the {@link PauseDesk}, which holds it until it is answered, times out or is withdrawn.
 */
final class PauseChannel implements RunPauses.Channel {
    /** The longest prompt a script may send: it is output, kept and shown. */
    static final int MAX_PROMPT = 1024 * 1024;
    private static final byte[] MAGIC = "AIRLOCK-PAUSE 1\n".getBytes(StandardCharsets.US_ASCII);
    /** Inside the sandbox the socket and the module are at the same path as on the host (bound there). */
    static final String SOCKET = "s";

    private final PauseDesk desk;
    final String profile;
    final AgentRequest request;
    /** What the request path was given: the shim's connection, or a kept API run's link. */
    final CallerLink first;
    /** The shim's run, kept at its first pause; null for an API run, which is kept already. */
    final KeptLink keptLink;
    final Redactor redactor;
    final RedactionCounts counts;
    private final Path directory;
    private final String token;
    private final ServerSocketChannel server;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong pausedNanos = new AtomicLong();
    /** System.nanoTime() when the pause going on began; 0 while none. */
    private volatile long pauseStart;
    private volatile RunPauses.Drain drain = () -> {};
    /** The kept run of a shim's run, once its first pause kept it. */
    volatile airlock.daemon.runs.Run kept;

    PauseChannel(PauseDesk desk, String profile, AgentRequest request, CallerLink link, Redactor redactor, RedactionCounts counts,
                 Path directory, String token) throws IOException {
        this.desk = desk;
        this.profile = profile;
        this.request = request;
        this.first = link;
        this.keptLink = link.keptRun().isPresent() ? null : new KeptLink(link);
        this.redactor = redactor;
        this.counts = counts;
        this.directory = directory;
        this.token = token;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(directory.resolve(SOCKET)));
        Thread.ofVirtual().name("pause-accept").start(this::accept);
    }

    @Override
    public CallerLink link() {
        return keptLink != null ? keptLink : first;
    }

    @Override
    public Path directory() {
        return directory;
    }

    @Override
    public Map<String, String> env() {
        return Map.of("AIRLOCK_PAUSE_SOCKET", directory.resolve(SOCKET).toString(), "AIRLOCK_PAUSE_TOKEN", token,
                "PYTHONPATH", directory.resolve("python").toString());
    }

    @Override
    public Duration paused() {
        long start = pauseStart;
        return Duration.ofNanos(pausedNanos.get() + (start == 0 ? 0 : System.nanoTime() - start));
    }

    @Override
    public void drainWith(RunPauses.Drain d) {
        drain = d;
    }

    void drainOutput() throws InterruptedException {
        drain.await();
    }

    boolean closed() {
        return closed.get();
    }

    @Override
    public Finish settle(Finish f) {
        airlock.daemon.runs.Run k = kept;
        if (keptLink == null || k == null) return f;
        desk.settleKept(k, f);
        return new Finish(new Reply.Silent(), Optional.empty());
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        try {
            server.close();
        } catch (IOException e) {
            // nothing more can connect either way
        }
        desk.removeDirectory(directory);
    }

    private void accept() {
        while (!closed.get()) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (IOException e) {
                return; // closed with the run
            }
            Thread.ofVirtual().name("pause").start(() -> serve(c));
        }
    }

    /** One connection from the script: one pause. */
    private void serve(SocketChannel c) {
        try (c) {
            InputStream in = Channels.newInputStream(c);
            OutputStream out = Channels.newOutputStream(c);
            byte[] magic = in.readNBytes(MAGIC.length);
            String tok = line(in, 128);
            String size = line(in, 16);
            // anything that is not this run's script (it alone has the token) learns nothing
            if (!MessageDigest.isEqual(magic, MAGIC) || tok == null
                    || !MessageDigest.isEqual(tok.getBytes(StandardCharsets.US_ASCII), token.getBytes(StandardCharsets.US_ASCII))
                    || size == null || !size.matches("[0-9]{1,9}")) {
                // what was sent is read (bounded) first: closing on unread bytes would reset the connection before the reply
                if (size != null && size.matches("[0-9]{1,7}")) in.readNBytes(Math.min(Integer.parseInt(size), MAX_PROMPT));
                reply(out, "refused", "airlock: this is not the run's pause channel (bad request or token)");
                return;
            }
            int n = Integer.parseInt(size);
            if (n > MAX_PROMPT) {
                reply(out, "refused", "airlock: refused: the prompt is " + n + " bytes; a pause takes at most " + MAX_PROMPT
                        + " (1 MiB); shorten it");
                desk.refusedPause(this, "the prompt was " + n + " bytes, more than " + MAX_PROMPT);
                return;
            }
            byte[] prompt = in.readNBytes(n);
            if (prompt.length != n) return;
            if (!busy.compareAndSet(false, true)) {
                reply(out, "refused", "airlock: refused: this run is paused already; one pause at a time");
                return;
            }
            try {
                long start = System.nanoTime();
                pauseStart = start;
                PauseDesk.Outcome o;
                try {
                    o = desk.pause(this, prompt);
                } finally {
                    pausedNanos.addAndGet(System.nanoTime() - start);
                    pauseStart = 0;
                }
                reply(out, o.kind(), o.body());
            } finally {
                busy.set(false);
            }
        } catch (IOException e) {
            // the script went away (killed with its run): its pause was withdrawn
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void reply(OutputStream out, String kind, byte[] body) throws IOException {
        out.write((kind + " " + body.length + "\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    private static void reply(OutputStream out, String kind, String text) throws IOException {
        reply(out, kind, text.getBytes(StandardCharsets.UTF_8));
    }

    /** One line of at most {@code max} ASCII bytes, without its newline; null when longer or cut. */
    private static String line(InputStream in, int max) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (b.size() <= max) {
            int x = in.read();
            if (x < 0) return null;
            if (x == '\n') return b.toString(StandardCharsets.US_ASCII);
            b.write(x);
        }
        return null;
    }
}
