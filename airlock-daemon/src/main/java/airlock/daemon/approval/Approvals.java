package airlock.daemon.approval;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * Requests that wait for a person. A session whose request matched an [ask] rule calls
 * {@link #await}; it blocks until a person decides through the host's control socket (never a
 * profile socket), the time is up, or the profile is stopped. A decision is bound to one waiting
 * request by its id and by a hash of what it is (profile, container, argv, cwd), so an approval
 * shown for one request cannot let another run; it is used once, then forgotten.
 */
public final class Approvals {
    /** Requests waiting at once, all profiles together; more are refused rather than queued. */
    static final int MAX_WAITING = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * One waiting request, as {@code airlock approvals} shows it.
     *
     * @param binding SHA-256 of profile, container, argv and cwd: what a decision must name
     */
    public record Pending(String id, String profile, String container, long uid, List<String> argv, String cwd,
                          String rule, Instant asked, Instant deadline, String binding) {
        public Pending {
            argv = List.copyOf(argv);
        }
    }

    /** How a wait ended. */
    public sealed interface Outcome {
        record Approved(String by) implements Outcome {}

        record Denied(String by, String reason) implements Outcome {}

        record TimedOut(Duration after) implements Outcome {}

        record Stopped(String message) implements Outcome {}
    }

    /** What a decision through the control socket got: done, or why not. */
    public sealed interface Decided {
        record Done(Pending request) implements Decided {}

        record Refused(String message) implements Decided {}
    }

    private final Map<String, Waiting> waiting = new LinkedHashMap<>();
    private final BiConsumer<String, String> audit;
    private final Clock clock;

    /** @param audit receives (event type, detail) for every step: asked, approved, denied, timed out */
    public Approvals(BiConsumer<String, String> audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    private record Waiting(Pending request, CompletableFuture<Outcome> outcome) {}

    /**
     * Called by a session after every layer allowed its request and an [ask] rule matched, before
     * the tool starts and before any of the caller's stdin is read. {@code tellCaller} receives
     * the line the shim prints. Empty when approved; else the refusal message for the caller.
     */
    public Optional<String> await(String profile, String container, long uid, List<String> argv, String cwd,
                                  String rule, int timeoutSeconds, java.util.function.Consumer<String> tellCaller)
            throws InterruptedException {
        return await(profile, container, uid, argv, cwd, rule, timeoutSeconds, tellCaller, () -> false);
    }

    /**
     * @param callerGone asked every second while the request waits: a caller that went away (its
     *                   shim killed) withdraws its request, so a person is not left to approve
     *                   something nobody waits for
     */
    public Optional<String> await(String profile, String container, long uid, List<String> argv, String cwd,
                                  String rule, int timeoutSeconds, java.util.function.Consumer<String> tellCaller,
                                  java.util.function.BooleanSupplier callerGone)
            throws InterruptedException {
        Instant now = clock.instant();
        Pending p = new Pending(newId(), profile, container, uid, argv, cwd, rule, now,
                now.plusSeconds(timeoutSeconds), binding(profile, container, argv, cwd));
        CompletableFuture<Outcome> f = new CompletableFuture<>();
        synchronized (this) {
            if (waiting.size() >= MAX_WAITING) {
                return Optional.of("airlock: refused: " + MAX_WAITING + " requests already wait for approval on the host; try again later");
            }
            waiting.put(p.id(), new Waiting(p, f));
        }
        audit.accept("approval-asked", describe(p) + "; rule '" + rule + "'; waits " + timeoutSeconds + " s");
        tellCaller.accept("airlock: waiting for approval on the host (request " + p.id() + "); a person runs 'airlock approve "
                + p.id() + "' or 'airlock deny " + p.id() + "'");
        Outcome o = null;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (o == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    o = new Outcome.TimedOut(Duration.ofSeconds(timeoutSeconds));
                    break;
                }
                try {
                    o = f.get(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    if (callerGone.getAsBoolean()) {
                        audit.accept("approval-withdrawn", describe(p) + "; the caller went away while it waited");
                        o = new Outcome.Stopped("airlock: refused: the caller left while its request waited for approval");
                    }
                }
            }
        } catch (ExecutionException e) {
            o = new Outcome.Stopped("airlock: refused: the approval failed: " + e.getCause());
        } finally {
            synchronized (this) {
                waiting.remove(p.id());
            }
        }
        return switch (o) {
            case Outcome.Approved a -> Optional.empty();
            case Outcome.Denied d -> Optional.of("airlock: refused: a person on the host denied request " + p.id()
                    + (d.reason().isEmpty() ? "" : " (" + d.reason() + ")"));
            case Outcome.TimedOut t -> {
                audit.accept("approval-timed-out", describe(p) + "; nobody decided within " + timeoutSeconds + " s");
                yield Optional.of("airlock: refused: nobody on the host approved request " + p.id() + " within " + timeoutSeconds
                        + " s ([ask] rule '" + rule + "'); ask a person to watch 'airlock approvals', then try again");
            }
            case Outcome.Stopped s -> Optional.of(s.message());
        };
    }

    /** What waits now, oldest first. */
    public synchronized List<Pending> pending() {
        return waiting.values().stream().map(Waiting::request).toList();
    }

    /** A person's yes, from the control socket: bound to {@code id} and to what the person was shown. */
    public Decided approve(String id, String binding, String by) {
        return decide(id, binding, by, new Outcome.Approved(by), "approval-granted", "approved by " + by);
    }

    public Decided deny(String id, String binding, String by, String reason) {
        return decide(id, binding, by, new Outcome.Denied(by, reason), "approval-denied",
                "denied by " + by + (reason.isEmpty() ? "" : " (" + reason + ")"));
    }

    private Decided decide(String id, String binding, String by, Outcome outcome, String event, String how) {
        Waiting w;
        synchronized (this) {
            w = waiting.get(id);
            if (w == null) return new Decided.Refused("airlock: no request " + id + " waits for approval (decided already, timed out, or never asked)");
            if (!MessageDigest.isEqual(w.request().binding().getBytes(StandardCharsets.US_ASCII), binding.getBytes(StandardCharsets.US_ASCII))) {
                audit.accept("approval-mismatch", describe(w.request()) + "; a decision by " + by + " named another request; refused");
                return new Decided.Refused("airlock: request " + id + " is not the request that decision was made for (its argv, cwd,"
                        + " profile or container differ); look at 'airlock approvals' again");
            }
            waiting.remove(id); // used once: a second decision finds nothing
        }
        audit.accept(event, describe(w.request()) + "; " + how);
        w.outcome().complete(outcome);
        return new Decided.Done(w.request());
    }

    /** Ends every wait of {@code profile} (it expired, was revoked or rotated). */
    public void stop(String profile, String message) {
        List<Waiting> victims = new ArrayList<>();
        synchronized (this) {
            for (var it = waiting.values().iterator(); it.hasNext(); ) {
                Waiting w = it.next();
                if (w.request().profile().equals(profile)) {
                    victims.add(w);
                    it.remove();
                }
            }
        }
        for (Waiting w : victims) w.outcome().complete(new Outcome.Stopped(message));
    }

    private static String describe(Pending p) {
        return "request " + p.id() + " of profile " + p.profile() + (p.container().isEmpty() ? "" : " container " + p.container())
                + " uid " + p.uid() + ": " + String.join(" ", p.argv()) + " in " + p.cwd();
    }

    /** The binding a decision must carry; fields separated by NUL, which no argv element may hold. */
    public static String binding(String profile, String container, List<String> argv, String cwd) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String s : List.of(profile, container, cwd)) {
                d.update(s.getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
            }
            d.update(Integer.toString(argv.size()).getBytes(StandardCharsets.US_ASCII));
            for (String a : argv) {
                d.update((byte) 0);
                d.update(a.getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String newId() {
        byte[] b = new byte[5];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
