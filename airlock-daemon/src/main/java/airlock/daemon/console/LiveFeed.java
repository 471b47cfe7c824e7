package airlock.daemon.console;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Server-sent events: one {@code data:} line per new audit record. Each watcher has a bounded
 * queue; a browser that stops reading is dropped (its EventSource reconnects) rather than let the
 * queue grow. A few watchers at most, each on a virtual thread of its own.
 */
final class LiveFeed {
    static final int MAX_WATCHERS = 8;
    static final int QUEUE = 1024;
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    /** How long a stream waits for a record before it asks again whether its session is live. */
    static final Duration CHECK = Duration.ofMillis(250);

    private final Activity activity;
    private final Semaphore watchers = new Semaphore(MAX_WATCHERS);

    LiveFeed(Activity activity) {
        this.activity = activity;
    }

    /** Streams until the browser leaves, falls behind, or {@code live} says the session ended (logout, idle timeout). */
    void stream(HttpExchange x, BooleanSupplier live) throws IOException {
        if (!watchers.tryAcquire()) {
            Console.send(x, Response.html(429, "<!doctype html><p>airlock: console: too many live feeds open; close a tab</p>"));
            return;
        }
        BlockingQueue<AuditEntry> queue = new ArrayBlockingQueue<>(QUEUE);
        java.util.concurrent.atomic.AtomicBoolean overflow = new java.util.concurrent.atomic.AtomicBoolean();
        try (AutoCloseable sub = activity.subscribe(e -> {
            if (!queue.offer(e)) overflow.set(true);
        })) {
            x.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            x.sendResponseHeaders(200, 0);
            OutputStream out = x.getResponseBody();
            out.write(": airlock live feed\nretry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            long lastBeat = System.nanoTime();
            while (!overflow.get()) {
                AuditEntry e = queue.poll(CHECK.toMillis(), TimeUnit.MILLISECONDS);
                // the session is asked before every write and every idle turn: a logout (or the idle
                // timeout) ends the stream within CHECK, and no record is sent after it
                if (!live.getAsBoolean()) return;
                if (e != null) {
                    StringBuilder b = new StringBuilder("id: ").append(e.seq()).append("\ndata: ").append(e.rowJson()).append("\n\n");
                    AuditEntry more;
                    while ((more = queue.poll()) != null) b.append("id: ").append(more.seq()).append("\ndata: ").append(more.rowJson()).append("\n\n");
                    out.write(b.toString().getBytes(StandardCharsets.UTF_8));
                    out.flush();
                } else if (System.nanoTime() - lastBeat > HEARTBEAT.toNanos()) {
                    out.write(": beat\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    lastBeat = System.nanoTime();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the browser left
        } catch (Exception e) {
            // closing the subscription cannot fail in a way that matters here
        } finally {
            watchers.release();
            x.close();
        }
    }
}
