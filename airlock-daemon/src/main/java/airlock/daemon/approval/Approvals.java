package airlock.daemon.approval;

import airlock.daemon.pending.PendingAnswers;
import airlock.daemon.pending.Question;
import airlock.daemon.pending.Result;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Requests that wait for a person: one use of {@link PendingAnswers}. A session whose request
 * matched an [ask] rule calls {@link #await}; it blocks until a person decides through a host
 * operation (the control socket or the console, never a profile socket), the time is up, the
 * caller leaves, or the profile is stopped. A decision is bound to one waiting request by its id
 * and by a hash of what it is (profile, container, argv, cwd), so an approval shown for one
 * request cannot let another run; it is used once, then forgotten. This class only words the
 * results and names the audit events ({@code approval-asked}, {@code -granted}, {@code -denied},
 * {@code -timed-out}, {@code -withdrawn}, {@code -mismatch}).
 */
public final class Approvals {
    /** Requests waiting at once, all profiles together; more are refused rather than queued. */
    static final int MAX_WAITING = 64;

    /** What is asked: a request exactly as it would run. */
    public record Request(String profile, String container, long uid, List<String> argv, String cwd, String rule)
            implements Question {
        public Request {
            argv = List.copyOf(argv);
        }

        @Override
        public String binding() {
            return Approvals.binding(profile, container, argv, cwd);
        }

        @Override
        public String owner() {
            return profile;
        }

        @Override
        public String describe() {
            return "profile " + profile + (container.isEmpty() ? "" : " container " + container) + " uid " + uid + ": "
                    + String.join(" ", argv) + " in " + cwd;
        }
    }

    /** A person's yes: the one answer an approval takes. */
    public record Approved() {}

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

        static Pending of(PendingAnswers.Asked<Request> a) {
            Request q = a.question();
            return new Pending(a.id(), q.profile(), q.container(), q.uid(), q.argv(), q.cwd(), q.rule(), a.asked(), a.deadline(),
                    q.binding());
        }
    }

    /** What a decision through a host operation got: done, or why not (in words for the person). */
    public sealed interface Decided {
        record Done(Pending request) implements Decided {}

        record Refused(String message) implements Decided {}
    }

    /**
     * How one request's wait ended: the typed {@link Result} and, for every result but
     * {@link Result.Answered}, the caller's refusal line ({@link #refusal}).
     *
     * @param id the request's id, empty when it never waited (too many wait already)
     */
    public record Verdict(String id, Request request, int timeoutSeconds, Result<Approved> result) {
        public boolean approved() {
            return result instanceof Result.Answered<Approved>;
        }

        /** Empty when approved; else what the caller is told. */
        public Optional<String> refusal() {
            return switch (result) {
                case Result.Answered<Approved> a -> Optional.empty();
                case Result.Denied<Approved> d -> Optional.of("airlock: refused: a person on the host denied request " + id
                        + (d.reason().isEmpty() ? "" : " (" + d.reason() + ")"));
                case Result.TimedOut<Approved> t -> Optional.of("airlock: refused: nobody on the host approved request " + id
                        + " within " + timeoutSeconds + " s ([ask] rule '" + request.rule()
                        + "'); ask a person to watch 'airlock approvals', then try again");
                case Result.Withdrawn<Approved> w -> Optional.of("airlock: refused: the caller left while its request waited for approval");
                case Result.Stopped<Approved> s -> Optional.of(s.message());
            };
        }
    }

    private final PendingAnswers<Request, Approved> answers;

    /** @param audit receives (event type, detail) for every step: asked, approved, denied, timed out */
    public Approvals(BiConsumer<String, String> audit, Clock clock) {
        this.answers = new PendingAnswers<>(MAX_WAITING,
                "airlock: refused: " + MAX_WAITING + " requests already wait for approval on the host; try again later",
                new Events(audit), clock);
    }

    /** The audit events approvals have always written, from the primitive's steps. */
    private record Events(BiConsumer<String, String> audit) implements PendingAnswers.Audit<Request, Approved> {
        @Override
        public void asked(PendingAnswers.Asked<Request> a) {
            audit.accept("approval-asked", describe(a) + "; rule '" + a.question().rule() + "'; waits "
                    + Duration.between(a.asked(), a.deadline()).toSeconds() + " s");
        }

        @Override
        public void ended(PendingAnswers.Asked<Request> a, Result<Approved> r) {
            switch (r) {
                case Result.Answered<Approved> ok -> audit.accept("approval-granted", describe(a) + "; approved by " + ok.by());
                case Result.Denied<Approved> d -> audit.accept("approval-denied", describe(a) + "; denied by " + d.by()
                        + (d.reason().isEmpty() ? "" : " (" + d.reason() + ")"));
                case Result.TimedOut<Approved> t -> audit.accept("approval-timed-out", describe(a) + "; nobody decided within "
                        + t.after().toSeconds() + " s");
                case Result.Withdrawn<Approved> w -> audit.accept("approval-withdrawn", describe(a) + "; " + w.why());
                // the profile's own event (expired, revoked, rotated) records why its waits ended
                case Result.Stopped<Approved> s -> { }
            }
        }

        @Override
        public void mismatch(PendingAnswers.Asked<Request> a, String by) {
            audit.accept("approval-mismatch", describe(a) + "; a decision by " + by + " named another request; refused");
        }

        private static String describe(PendingAnswers.Asked<Request> a) {
            return "request " + a.id() + " of " + a.question().describe();
        }
    }

    /**
     * Called by a session after every layer allowed its request and an [ask] rule matched, before
     * the tool starts and before any of the caller's stdin is read. {@code tellCaller} receives
     * the line the shim prints.
     *
     * @param callerGone asked every second while the request waits: a caller that went away (its
     *                   shim killed) withdraws its request, so a person is not left to approve
     *                   something nobody waits for
     */
    public Verdict await(Request request, int timeoutSeconds, Consumer<String> tellCaller, BooleanSupplier callerGone)
            throws InterruptedException {
        String[] id = {""};
        Result<Approved> r = answers.await(request, Duration.ofSeconds(timeoutSeconds), a -> {
            id[0] = a.id();
            tellCaller.accept("airlock: waiting for approval on the host (request " + a.id() + "); a person runs 'airlock approve "
                    + a.id() + "' or 'airlock deny " + a.id() + "'");
        }, callerGone);
        return new Verdict(id[0], request, timeoutSeconds, r);
    }

    /** What waits now, oldest first. */
    public List<Pending> pending() {
        return answers.pending().stream().map(Pending::of).toList();
    }

    /** A person's yes: bound to {@code id} and to what the person was shown. */
    public Decided approve(String id, String binding, String by) {
        return words(answers.answer(id, binding, by, new Approved()));
    }

    public Decided deny(String id, String binding, String by, String reason) {
        return words(answers.deny(id, binding, by, reason));
    }

    private static Decided words(PendingAnswers.Decided<Request> d) {
        return switch (d) {
            case PendingAnswers.Decided.Done<Request> done -> new Decided.Done(Pending.of(done.asked()));
            case PendingAnswers.Decided.NotWaiting<Request> n -> new Decided.Refused("airlock: no request " + n.id()
                    + " waits for approval (decided already, timed out, or never asked)");
            case PendingAnswers.Decided.OtherQuestion<Request> o -> new Decided.Refused("airlock: request " + o.asked().id()
                    + " is not the request that decision was made for (its argv, cwd, profile or container differ);"
                    + " look at 'airlock approvals' again");
        };
    }

    /** Ends every wait of {@code profile} (it expired, was revoked or rotated). */
    public void stop(String profile, String message) {
        answers.stop(profile, message);
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
}
