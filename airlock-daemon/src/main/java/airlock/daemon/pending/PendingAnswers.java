package airlock.daemon.pending;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Callers that wait for a person's answer: the one primitive behind approvals (and, next, scripts
 * that pause for the agent's answer). A wait gets an id, is bound to exactly what was asked
 * ({@link Question#binding}), has a deadline, is withdrawn when its caller goes away, and ends in
 * one {@link Result}. An answer must name both the id and the binding, so one shown for one
 * question cannot settle another; it is used once, then forgotten. Every step goes to {@link Audit}.
 *
 * @param <Q> what is asked
 * @param <A> what a person answers
 */
public final class PendingAnswers<Q extends Question, A> {
    /** How often a waiting caller is probed for having gone away (no kernel event says it). */
    private static final long PROBE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** One wait, as a person is shown it. */
    public record Asked<Q>(String id, Q question, Instant asked, Instant deadline) {}

    /** What an answer (or a denial) got: it settled a wait, or why not. */
    public sealed interface Decided<Q> {
        record Done<Q>(Asked<Q> asked) implements Decided<Q> {}

        /** Nothing waits under that id: answered already, timed out, withdrawn, or never asked. */
        record NotWaiting<Q>(String id) implements Decided<Q> {}

        /** The id waits, but the answer was given for another question (its binding differs); it keeps waiting. */
        record OtherQuestion<Q>(Asked<Q> asked) implements Decided<Q> {}
    }

    /** Receives every step; the user of the primitive names the audit events. */
    public interface Audit<Q, A> {
        void asked(Asked<Q> asked);

        /** Once per wait, when its result is fixed (a decision, the deadline, the caller gone, a stop). */
        void ended(Asked<Q> asked, Result<A> result);

        /** An answer named the id of {@code asked} with another binding. */
        void mismatch(Asked<Q> asked, String by);
    }

    private record Waiting<Q, A>(Asked<Q> asked, CompletableFuture<Result<A>> result) {}

    private final SecureRandom random = new SecureRandom();
    /** Guarded by {@code this}. */
    private final Map<String, Waiting<Q, A>> waiting = new LinkedHashMap<>();
    private final int capacity;
    private final String full;
    private final Audit<Q, A> audit;
    private final Clock clock;

    /**
     * @param capacity waits at once; one more ends at once as {@link Result.Stopped} with {@code full}
     *                 (refused rather than queued: the host's memory is not the agent's to fill)
     */
    public PendingAnswers(int capacity, String full, Audit<Q, A> audit, Clock clock) {
        this.capacity = capacity;
        this.full = full;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Blocks until a person answers or denies, the deadline passes, {@code callerGone} says the
     * caller left (probed every second), or {@link #stop} ends the wait. {@code announce} gets
     * the wait once it can be answered (to tell the caller its id). An answer for a caller that
     * left meanwhile ends as {@link Result.Withdrawn}: nobody is there to go on.
     */
    public Result<A> await(Q question, Duration timeout, Consumer<Asked<Q>> announce, BooleanSupplier callerGone)
            throws InterruptedException {
        Instant now = clock.instant();
        Asked<Q> a = new Asked<>(newId(), question, now, now.plus(timeout));
        CompletableFuture<Result<A>> f = new CompletableFuture<>();
        synchronized (this) {
            if (waiting.size() >= capacity) return new Result.Stopped<>(full);
            waiting.put(a.id(), new Waiting<>(a, f));
        }
        Result<A> r = null;
        try {
            audit.asked(a);
            announce.accept(a);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (r == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    r = end(a, new Result.TimedOut<>(timeout));
                    if (r == null) r = f.get(); // a decision took it off the list first: it counts
                    break;
                }
                try {
                    r = f.get(Math.min(left, PROBE_NANOS), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    // null when a decision came first: the next get returns it
                    if (callerGone.getAsBoolean()) r = end(a, new Result.Withdrawn<>("the caller went away while it waited"));
                }
            }
        } catch (ExecutionException e) {
            r = new Result.Stopped<>("airlock: refused: the wait failed: " + e.getCause());
        } finally {
            synchronized (this) {
                waiting.remove(a.id());
            }
        }
        if (r instanceof Result.Answered<A> && callerGone.getAsBoolean()) {
            Result<A> gone = new Result.Withdrawn<>("answered, but the caller had gone meanwhile");
            audit.ended(a, gone);
            return gone;
        }
        return r;
    }

    /** Takes the wait off the list unless a decision did first; the result that counts. */
    private Result<A> end(Asked<Q> a, Result<A> r) {
        synchronized (this) {
            if (!waiting.containsKey(a.id())) return null; // decided meanwhile: the future holds it
            // recorded before the wait leaves the list: whoever sees it gone finds why in the audit log
            audit.ended(a, r);
            waiting.remove(a.id());
        }
        return r;
    }

    /** What waits now, oldest first. */
    public synchronized List<Asked<Q>> pending() {
        return waiting.values().stream().map(Waiting::asked).toList();
    }

    /** A person's answer, bound to {@code id} and to what the person was shown. */
    public Decided<Q> answer(String id, String binding, String by, A answer) {
        return decide(id, binding, by, new Result.Answered<>(answer, by));
    }

    public Decided<Q> deny(String id, String binding, String by, String reason) {
        return decide(id, binding, by, new Result.Denied<>(by, reason));
    }

    private Decided<Q> decide(String id, String binding, String by, Result<A> result) {
        Waiting<Q, A> w;
        synchronized (this) {
            w = waiting.get(id);
            if (w == null) return new Decided.NotWaiting<>(id);
            if (!MessageDigest.isEqual(w.asked().question().binding().getBytes(StandardCharsets.UTF_8),
                    binding.getBytes(StandardCharsets.UTF_8))) {
                audit.mismatch(w.asked(), by);
                return new Decided.OtherQuestion<>(w.asked());
            }
            audit.ended(w.asked(), result); // recorded before the wait leaves the list, as in end()
            waiting.remove(id); // used once: a second decision finds nothing
        }
        w.result().complete(result);
        return new Decided.Done<>(w.asked());
    }

    /** Ends every wait of {@code owner} (its profile expired, was revoked or rotated) with {@code message}. */
    public void stop(String owner, String message) {
        List<Waiting<Q, A>> victims = new ArrayList<>();
        Result<A> r = new Result.Stopped<>(message);
        synchronized (this) {
            for (var it = waiting.values().iterator(); it.hasNext(); ) {
                Waiting<Q, A> w = it.next();
                if (w.asked().question().owner().equals(owner)) {
                    audit.ended(w.asked(), r);
                    victims.add(w);
                    it.remove();
                }
            }
        }
        for (Waiting<Q, A> w : victims) w.result().complete(r);
    }

    private String newId() {
        byte[] b = new byte[5];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
