package airlock.daemon.pause;

import airlock.daemon.core.AgentRequest;
import airlock.daemon.core.Caller;
import airlock.daemon.core.Refusal;
import airlock.daemon.pending.PendingAnswers;
import airlock.daemon.pending.Result;
import airlock.daemon.pipeline.CallerLink;
import airlock.daemon.pipeline.Finish;
import airlock.daemon.pipeline.Reply;
import airlock.daemon.pipeline.RunPauses;
import airlock.daemon.redact.RedactingStream;
import airlock.daemon.redact.RedactionCounts;
import airlock.daemon.redact.Redactor;
import airlock.daemon.runs.Run;
import airlock.daemon.runs.RunStatus;
import airlock.daemon.runs.Runs;
import airlock.protocol.ExitCodes;
import airlock.rules.Layer;
import airlock.rules.Pause;
import airlock.rules.Policy;
import airlock.rules.Profile;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scripts that pause for the agent's answer ({@code llm.complete}, docs/sandbox.md): the
 * daemon's one desk for them. It gives each sandboxed run its private {@link PauseChannel};
 * holds each pause in the one pending-answer primitive ({@link PendingAnswers}), bound to the
 * run, the pause's seq and the profile, with the profile's {@code [pause]} deadline and limit;
 * keeps a shim's run at its first pause as a {@link Run} (so its caller can exit and answer
 * later with {@code airlock respond}); takes answers from the shim's verbs and the API; and
 * writes each pause and answer to the audit log (sizes, redaction counts, who answered, never a
 * prompt's or an answer's text). The prompt is output: redacted with the run's own redactor (every
 * secret of the run, every form) before anything keeps or shows it, and counted in the run's record.
 */
public final class PauseDesk implements RunPauses, Runs.Answers, Closeable {
    /** The status a shim's call exits with when its run paused: EX_TEMPFAIL, "try again" (answer, then follow). */
    public static final int PAUSED = 75;
    /** Waits of all profiles together; each profile is held to its [pause] max_paused first. */
    private static final int CAPACITY = 4096;
    private static final List<String> VERBS = List.of("respond", "attach", "runs");
    /** A run directory's name: 96 random bits, under a parent that lists none. */
    private static final int RUN_DIR_BYTES = 12;
    /** What follows the temporary directory in a socket's path: /airlock-pause-NNNNNNNNNNNNNNNNNNN/HEX/s. */
    private static final int SOCKET_TAIL = 1 + 14 + 20 + 1 + 2 * RUN_DIR_BYTES + 2;
    private static final int MAX_SOCKET_PATH = 107;

    /** What a pause came to, for the script: {@code ok} and the answer, or {@code timeout}/{@code refused} and why. */
    record Outcome(String kind, byte[] body) {
        static Outcome said(String kind, String text) {
            return new Outcome(kind, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private final Supplier<Policy> policy;
    private final Supplier<Runs> runs;
    private final BiConsumer<String, String> audit;
    private final PrintStream log;
    private final Path tmp;
    private final boolean root;
    private final PendingAnswers<PauseQuestion, byte[]> answers;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, byte[]> module;
    /** Pauses going on per profile, counted before a pause waits, so [pause] max_paused holds however many pause at once. Guarded by {@code this}. */
    private final Map<String, Integer> pausedNow = new java.util.HashMap<>();
    /** Guarded by {@code this}: the 0711 parent of every run's directory, made at the first run. */
    private Path base;
    /** Where the runs paused when the daemon stopped are noted, for the next daemon to say what became of them. */
    private final Path interruptedFile;
    /** Run id to profile: the runs a daemon stop interrupted while they waited (the last daemon's, read at start). Guarded by {@code this}. */
    private final Map<String, String> interrupted = new java.util.LinkedHashMap<>();
    private static final Pattern NOTED = Pattern.compile("([A-Za-z0-9_.-]{1,128}) (run_[0-9a-f]{24})");
    private static final int NOTED_MAX = 1000;

    /**
     * @param audit receives (event type, detail) for every pause step
     * @param tmp   where the runs' directories go ({@code java.io.tmpdir}): never under the config
     *              directory, which a sandbox hides
     */
    public PauseDesk(Supplier<Policy> policy, Supplier<Runs> runs, BiConsumer<String, String> audit, PrintStream log, Path tmp,
                     Path interruptedFile) {
        this.interruptedFile = interruptedFile;
        this.policy = policy;
        this.runs = runs;
        this.audit = audit;
        this.log = log;
        this.tmp = tmp;
        this.root = new com.sun.security.auth.module.UnixSystem().getUid() == 0;
        this.answers = new PendingAnswers<>(CAPACITY, "airlock: refused: too many runs are paused on this host; answer one first",
                new Events(audit), Clock.systemUTC());
        this.module = Map.of("__init__.py", resource("__init__.py"), "llm.py", resource("llm.py"));
        readInterrupted();
    }

    private static byte[] resource(String name) {
        try (InputStream in = PauseDesk.class.getResourceAsStream("python/airlock/" + name)) {
            if (in == null) throw new IllegalStateException("the daemon's jar lacks its Python module airlock/" + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- the run's channel ----

    @Override
    public Optional<Channel> open(String profile, AgentRequest request, CallerLink link, Redactor redactor, RedactionCounts counts)
            throws IOException {
        Path dir;
        try {
            dir = newDirectory();
        } catch (IOException e) {
            // the run still runs: only its llm.complete fails (it finds no channel), and says so
            log.println("airlock: cannot make a run's pause channel, so it cannot pause: " + e.getMessage());
            return Optional.empty();
        }
        try {
            return Optional.of(new PauseChannel(this, profile, request, link, redactor, counts, dir, hex(32)));
        } catch (IOException | RuntimeException e) {
            removeDirectory(dir);
            log.println("airlock: cannot make a run's pause channel, so it cannot pause: " + e);
            return Optional.empty();
        }
    }

    /** A directory of the run's own: 0700, a random name under a 0711 parent that lists none; the module in it read-only. */
    private Path newDirectory() throws IOException {
        Path parent;
        synchronized (this) {
            if (base == null || !Files.isDirectory(base, LinkOption.NOFOLLOW_LINKS)) {
                // a unix socket's path has at most 107 bytes: a long temporary directory gives way to /tmp
                Path in = tmp.toAbsolutePath().toString().length() + SOCKET_TAIL > MAX_SOCKET_PATH ? Path.of("/tmp") : tmp;
                base = Files.createTempDirectory(in, "airlock-pause-", PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx--x--x")));
                Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx--x--x"));
            }
            parent = base;
        }
        Path dir = Files.createDirectory(parent.resolve(hex(RUN_DIR_BYTES)), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path pkg = Files.createDirectories(dir.resolve("python").resolve("airlock"));
        for (Map.Entry<String, byte[]> f : module.entrySet()) {
            Files.write(pkg.resolve(f.getKey()), f.getValue());
            Files.setPosixFilePermissions(pkg.resolve(f.getKey()), PosixFilePermissions.fromString("r--r--r--"));
        }
        return dir;
    }

    void removeDirectory(Path dir) {
        try {
            airlock.daemon.core.FolderTree.remove(dir);
        } catch (IOException e) {
            log.println("airlock: cannot remove a run's pause directory " + dir + ": " + e.getMessage());
        }
    }

    // ---- a pause ----

    private Pause settings(String profile) {
        Profile p = policy.get().profiles().get(profile);
        return p == null ? Pause.DEFAULT : p.pause();
    }

    /** One pause of {@code c}'s script, from its prompt to its outcome; blocks while the run waits. */
    Outcome pause(PauseChannel c, byte[] prompt) throws InterruptedException, IOException {
        Pause settings = settings(c.profile);
        // the prompt is output: redacted like stdout before anything keeps or shows it, counted in the run's record
        RedactionCounts own = new RedactionCounts();
        byte[] shown = redact(c.redactor, own, prompt);
        c.counts.addAll(own);
        int paused = enter(c.profile, settings.maxPaused());
        if (paused >= 0) {
            refusedPause(c, paused + " runs of the profile were paused already ([pause] max_paused = " + settings.maxPaused() + ")");
            return Outcome.said("refused", "airlock: refused: profile " + c.profile + " has " + paused + " paused runs, the most it may"
                    + " ([pause] max_paused = " + settings.maxPaused() + "); answer one (airlock runs lists them) or let one time out");
        }
        try {
            return paused(c, settings, shown, own);
        } finally {
            leave(c.profile);
        }
    }

    /** Counts a pause of {@code profile} in; -1 when it may pause, else how many of its runs are paused already (none counted). */
    private synchronized int enter(String profile, int max) {
        int now = pausedNow.getOrDefault(profile, 0);
        if (now >= max) return now;
        pausedNow.put(profile, now + 1);
        return -1;
    }

    private synchronized void leave(String profile) {
        pausedNow.computeIfPresent(profile, (p, n) -> n <= 1 ? null : n - 1);
    }

    private Outcome paused(PauseChannel c, Pause settings, byte[] shown, RedactionCounts own) throws InterruptedException {
        // the caller sees everything the script printed before the prompt
        c.drainOutput();
        Run run = keptRun(c).orElse(null);
        if (run == null) {
            refusedPause(c, "the run could not be kept (the daemon or the profile is stopping)");
            return Outcome.said("refused", "airlock: refused: the run cannot pause now: the daemon or the profile is stopping");
        }
        PauseQuestion q = new PauseQuestion(run.id(), c.profile, c.request.command(), shown.length, own.snapshot(),
                new java.util.concurrent.atomic.AtomicLong(-1));
        Result<byte[]> r = answers.await(q, Duration.ofSeconds(settings.timeoutSeconds()), asked -> {
            long seq = run.pause(shown, asked.deadline());
            if (seq < 0) {
                answers.deny(asked.id(), q.binding(), "airlock", "the run ended or its output is full");
                return;
            }
            q.seq().set(seq);
            audit.accept("pause-asked", q.describe() + ": prompt " + shown.length + " bytes, " + Events.redactions(q.redactions())
                    + "; waits " + settings.timeoutSeconds() + " s for an answer");
            tellFirstCaller(c, run, shown);
        }, () -> c.closed() || run.stopping());
        run.resume(q.seq().get());
        return switch (r) {
            case Result.Answered<byte[]> a -> new Outcome("ok", a.answer());
            case Result.TimedOut<byte[]> t -> Outcome.said("timeout", "airlock: nobody answered run " + run.id() + " within "
                    + t.after().toSeconds() + " s ([pause] timeout_s of profile " + c.profile + "); the run goes on without an answer");
            case Result.Denied<byte[]> d -> Outcome.said("refused", "airlock: refused: the run cannot pause: " + d.reason());
            case Result.Withdrawn<byte[]> w -> Outcome.said("refused", "airlock: the pause ended without an answer: the run is being stopped");
            case Result.Stopped<byte[]> s -> Outcome.said("refused", s.message());
        };
    }

    /** The kept run the pause happens in: an API run's own; a shim's run kept now, at its first pause. */
    private Optional<Run> keptRun(PauseChannel c) {
        Optional<String> id = c.first.keptRun();
        if (id.isPresent()) return runs.get().get(c.profile, id.get());
        if (c.kept != null) return Optional.of(c.kept);
        Optional<Run> kept = runs.get().keep(c.profile, c.first.caller(), c.request.command(), c.request.args());
        kept.ifPresent(k -> {
            c.kept = k;
            c.keptLink.moveTo(k.link());
        });
        return kept;
    }

    /** A shim's call that reached its run's first pause: it is told how to answer, and exits 75; its run goes on. */
    private boolean tellFirstCaller(PauseChannel c, Run run, byte[] shown) {
        if (c.keptLink == null || c.keptLink.keptRun().isEmpty() || c.first.gone()) return false;
        try {
            for (String line : told(run.id(), shown)) c.first.notice(line);
            return c.first.detach(PAUSED);
        } catch (IOException e) {
            return false; // the caller left; the run waits for an answer all the same
        }
    }

    /** What a caller is told of a pause: how to answer, and the prompt between two marker lines. */
    static List<String> told(String runId, byte[] shown) {
        String prompt = new String(shown, StandardCharsets.UTF_8);
        if (prompt.endsWith("\n")) prompt = prompt.substring(0, prompt.length() - 1);
        return List.of("airlock: run " + runId + " is waiting for an answer; reply with: airlock respond " + runId + " < answer.txt",
                "--- prompt ---", prompt, "--- end of prompt ---");
    }

    private static byte[] redact(Redactor redactor, RedactionCounts counts, byte[] text) throws IOException {
        if (redactor.isEmpty()) return text.clone();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RedactingStream s = redactor.stream(out, counts);
        s.write(text);
        s.close();
        return out.toByteArray();
    }

    void refusedPause(PauseChannel c, String why) {
        audit.accept("pause-refused", "a run (" + c.request.command() + ") of profile " + c.profile + " could not pause: " + why);
    }

    void settleKept(Run run, Finish f) {
        runs.get().settleKept(run, f);
    }

    // ---- answers ----

    @Override
    public Runs.Answered respond(String profile, String id, long seq, byte[] answer, String by) {
        Optional<Run> run = runs.get().get(profile, id);
        if (run.isEmpty()) {
            return new Runs.Answered.Refused(Runs.Answered.Why.NO_RUN, noRun(profile, id));
        }
        int max = settings(profile).maxAnswerBytes();
        if (answer.length > max) {
            return new Runs.Answered.Refused(Runs.Answered.Why.TOO_LARGE, "airlock: refused: the answer is " + answer.length
                    + " bytes; a paused run takes at most " + max + " ([pause] max_answer_bytes); nothing was sent to the run");
        }
        Optional<PendingAnswers.Asked<PauseQuestion>> waiting = waitOf(id);
        // the run shows its pause a moment before the wait knows its seq (the prompt is kept first): look again, briefly
        for (int i = 0; i < 50 && waiting.isEmpty() && run.get().waiting().isPresent(); i++) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            waiting = waitOf(id);
        }
        if (waiting.isEmpty()) {
            return new Runs.Answered.Refused(Runs.Answered.Why.NOT_WAITING, "airlock: run " + id + " waits for no answer (it is "
                    + run.get().status().wire() + "; answered already, or its pause timed out); 'airlock attach " + id + "' follows it");
        }
        return switch (answers.answer(waiting.get().id(), PauseQuestion.binding(id, seq, profile), by, answer.clone())) {
            case PendingAnswers.Decided.Done<PauseQuestion> d -> new Runs.Answered.Taken(run.get());
            case PendingAnswers.Decided.NotWaiting<PauseQuestion> n -> new Runs.Answered.Refused(Runs.Answered.Why.NOT_WAITING,
                    "airlock: run " + id + " waits for no answer (answered already, or its pause timed out)");
            case PendingAnswers.Decided.OtherQuestion<PauseQuestion> o -> new Runs.Answered.Refused(Runs.Answered.Why.NOT_WAITING,
                    "airlock: run " + id + " waits at pause " + o.asked().question().seq().get() + ", not " + seq
                            + " (an answer names the pause it answers); nothing was sent to the run");
        };
    }

    private Optional<PendingAnswers.Asked<PauseQuestion>> waitOf(String runId) {
        return answers.pending().stream().filter(a -> a.question().runId().equals(runId) && a.question().seq().get() >= 0).findFirst();
    }

    /** The audit events of pauses, from the primitive's steps: sizes and counts, never a text. */
    private record Events(BiConsumer<String, String> audit) implements PendingAnswers.Audit<PauseQuestion, byte[]> {
        @Override
        public void asked(PendingAnswers.Asked<PauseQuestion> a) {
            // the seq is not known yet (the prompt is kept after this): ended() names it
        }

        @Override
        public void ended(PendingAnswers.Asked<PauseQuestion> a, Result<byte[]> r) {
            PauseQuestion q = a.question();
            String what = q.describe() + ": prompt " + q.promptBytes() + " bytes, " + redactions(q.redactions()) + "; ";
            switch (r) {
                case Result.Answered<byte[]> ok -> audit.accept("pause-answered", what + "answer " + ok.answer().length + " bytes by " + ok.by());
                case Result.TimedOut<byte[]> t -> audit.accept("pause-timed-out", what + "nobody answered within " + t.after().toSeconds() + " s");
                case Result.Withdrawn<byte[]> w -> audit.accept("pause-interrupted", what + "the run was stopped or ended while it waited");
                case Result.Stopped<byte[]> s -> audit.accept("pause-interrupted", what + s.message());
                case Result.Denied<byte[]> d -> audit.accept("pause-refused", what + d.reason());
            }
        }

        @Override
        public void mismatch(PendingAnswers.Asked<PauseQuestion> a, String by) {
            audit.accept("pause-mismatch", a.question().describe() + ": an answer by " + by + " named another pause; refused, nothing sent");
        }

        static String redactions(Map<String, Long> counts) {
            if (counts.isEmpty()) return "nothing redacted";
            StringBuilder b = new StringBuilder("redacted");
            new java.util.TreeMap<>(counts).forEach((k, v) -> b.append(' ').append(k).append(" x").append(v));
            return b.toString();
        }
    }

    // ---- the agent's verbs: airlock respond / attach / runs ----

    @Override
    public Optional<Reply> verb(String profile, List<String> args, CallerLink link) throws InterruptedException {
        if (args.isEmpty() || !VERBS.contains(args.getFirst())) return Optional.empty();
        return Optional.of(switch (args.getFirst()) {
            case "runs" -> args.size() == 1 ? list(profile, link) : usage();
            case "respond" -> respondVerb(profile, args.subList(1, args.size()), link);
            default -> args.size() == 2 ? attach(profile, args.get(1), link) : usage();
        });
    }

    private static Reply usage() {
        return refuse("airlock: usage: airlock runs | airlock respond RUN_ID [--seq N] < answer.txt | airlock attach RUN_ID");
    }

    private static Reply refuse(String message) {
        return new Reply.Refuse(Refusal.by(ExitCodes.REFUSED, Layer.ADMISSION, "agent verb", message));
    }

    private Reply list(String profile, CallerLink link) {
        StringBuilder b = new StringBuilder();
        for (Run r : runs.get().of(profile)) {
            Run.View v = r.view();
            if (v.status().ended()) continue;
            b.append(v.id()).append("  ").append(v.status().wire());
            v.waiting().ifPresent(w -> b.append("  seq ").append(w.seq()).append("  until ").append(w.deadline()));
            b.append("  ").append(visible(String.join(" ", java.util.stream.Stream.concat(java.util.stream.Stream.of(v.command()),
                    v.args().stream()).toList()))).append('\n');
        }
        if (b.isEmpty()) b.append("no paused runs for profile ").append(profile).append('\n');
        try {
            byte[] out = b.toString().getBytes(StandardCharsets.UTF_8);
            link.write(CallerLink.Output.STDOUT, out, 0, out.length);
        } catch (IOException e) {
            return new Reply.Silent();
        }
        return new Reply.Exit(0, 0);
    }

    private Reply respondVerb(String profile, List<String> args, CallerLink link) throws InterruptedException {
        if (args.size() != 1 && !(args.size() == 3 && args.get(1).equals("--seq") && args.get(2).matches("[0-9]{1,18}"))) return usage();
        String id = args.getFirst();
        Optional<Run> run = runs.get().get(profile, id);
        if (run.isEmpty()) return refuse(noRun(profile, id));
        int max = settings(profile).maxAnswerBytes();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        while (true) {
            CallerLink.FromCaller in = link.receive();
            if (in instanceof CallerLink.FromCaller.Stdin d) {
                if (answer.size() + d.data().length > max) {
                    return refuse("airlock: refused: the answer is more than " + max + " bytes ([pause] max_answer_bytes);"
                            + " nothing was sent to the run");
                }
                answer.writeBytes(d.data());
            } else if (in instanceof CallerLink.FromCaller.EndOfStdin) {
                break;
            } else if (in instanceof CallerLink.FromCaller.Gone) {
                return new Reply.Silent();
            }
        }
        long seq = args.size() == 3 ? Long.parseLong(args.get(2)) : run.get().waiting().map(Run.Waiting::seq).orElse(-1L);
        return switch (respond(profile, id, seq, answer.toByteArray(), by(link.caller()))) {
            case Runs.Answered.Refused r -> refuse(r.message());
            case Runs.Answered.Taken t -> follow(t.run(), seq + 1, link);
        };
    }

    private Reply attach(String profile, String id, CallerLink link) throws InterruptedException {
        Optional<Run> run = runs.get().get(profile, id);
        if (run.isEmpty()) return refuse(noRun(profile, id));
        // from its last pause on: what came after the prompt the caller was shown
        long from = 0;
        for (var e : run.get().output().from(0, 0)) if (e instanceof airlock.daemon.runs.RunEvent.Prompt) from = e.seq();
        return follow(run.get(), from, link);
    }

    /**
     * Streams the run's output from event {@code from} to {@code link}: to its next pause (the
     * prompt, exit 75) or its end (its status). The caller leaving ends only the following.
     */
    private Reply follow(Run run, long from, CallerLink link) throws InterruptedException {
        long next = from;
        while (true) {
            if (link.gone()) return new Reply.Silent();
            List<airlock.daemon.runs.RunEvent> events = run.output().from(next, 500);
            try {
                for (airlock.daemon.runs.RunEvent e : events) {
                    next = e.seq() + 1;
                    switch (e) {
                        case airlock.daemon.runs.RunEvent.Output o -> link.write(o.stream(), o.bytes(), 0, o.bytes().length);
                        case airlock.daemon.runs.RunEvent.Prompt p -> {
                            if (run.waiting().map(w -> w.seq() == p.seq()).orElse(false)) {
                                for (String line : told(run.id(), p.text())) link.notice(line);
                                return new Reply.Exit(PAUSED, 0);
                            }
                            link.notice("airlock: run " + run.id() + " paused (seq " + p.seq() + ") and went on without this caller's answer");
                        }
                        case airlock.daemon.runs.RunEvent.Status s -> { }
                        case airlock.daemon.runs.RunEvent.Exit x -> {
                            if (x.exitCode() != null) return new Reply.Exit(x.exitCode(), x.signal());
                            String why = run.view().error();
                            if (!why.isEmpty()) link.notice(why);
                            return new Reply.Exit(x.status() == RunStatus.TIMEOUT ? 124 : ExitCodes.REFUSED, x.signal());
                        }
                    }
                }
            } catch (IOException e) {
                return new Reply.Silent();
            }
        }
    }

    private static String by(Caller c) {
        return switch (c) {
            case Caller.KernelPeer k -> "agent pid " + k.pid() + " uid " + k.uid() + (k.containerId().isEmpty() ? "" : " container "
                    + k.containerId().substring(0, Math.min(12, k.containerId().length())));
            case Caller.KeyHolder h -> "key " + h.keyId() + " from " + h.remoteAddress();
        };
    }

    private static String visible(String s) {
        return airlock.daemon.core.Visible.text(s.length() > 60 ? s.substring(0, 60) + "..." : s);
    }

    private String hex(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /**
     * The daemon is stopping: the runs paused now are noted (profile and id, nothing of their
     * text), so that the next daemon answers {@code airlock respond} for them with what became of
     * them. Called before the runs are interrupted.
     */
    public void stopping() {
        List<String> lines = answers.pending().stream().map(a -> a.question().profile() + " " + a.question().runId()).toList();
        if (lines.isEmpty()) return;
        try {
            Files.createDirectories(interruptedFile.getParent());
            Files.write(interruptedFile, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            log.println("airlock: cannot note the paused runs a stop interrupts: " + e.getMessage());
        }
        // each wait ends now, recorded before the audit log closes; the runs are interrupted next
        answers.pending().stream().map(a -> a.question().owner()).distinct().toList()
                .forEach(owner -> answers.stop(owner, "airlock: the daemon stopped while the run waited for an answer"));
    }

    private void readInterrupted() {
        try {
            if (!Files.isRegularFile(interruptedFile, LinkOption.NOFOLLOW_LINKS)) return;
            for (String line : Files.readAllLines(interruptedFile, StandardCharsets.UTF_8)) {
                Matcher m = NOTED.matcher(line);
                if (m.matches() && interrupted.size() < NOTED_MAX) interrupted.put(m.group(2), m.group(1));
            }
            Files.delete(interruptedFile);
        } catch (IOException | RuntimeException e) {
            log.println("airlock: cannot read the paused runs the last stop interrupted: " + e.getMessage());
        }
    }

    @Override
    public synchronized Optional<String> gone(String profile, String id) {
        if (!profile.equals(interrupted.get(id))) return Optional.empty();
        return Optional.of("airlock: run " + id + " was interrupted: the daemon stopped while it waited for an answer (a restart ends"
                + " paused runs); run the script again");
    }

    /** Why the profile has no run {@code id}: a restart ended it, or it never was (or was forgotten). */
    private String noRun(String profile, String id) {
        Optional<String> gone = gone(profile, id);
        if (gone.isPresent()) return gone.get();
        return "airlock: no run " + visible(id) + " for profile " + profile + " ('airlock runs' lists its paused runs; a daemon restart ends them)";
    }

    /** The runs' directories go with the daemon (each run removes its own; this takes what a crash left). */
    @Override
    public synchronized void close() {
        if (base != null) removeDirectory(base);
    }
}
