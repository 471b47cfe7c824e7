package airlock.daemon.runs;

import airlock.daemon.core.AgentRequest;
import airlock.daemon.core.Caller;
import airlock.daemon.core.Refusal;
import airlock.daemon.pipeline.Finish;
import airlock.daemon.pipeline.Intake;
import airlock.daemon.pipeline.OpenCalls;
import airlock.daemon.pipeline.Pipeline;
import airlock.daemon.pipeline.Reply;
import airlock.daemon.pipeline.RunFolder;
import airlock.daemon.pipeline.ToolRun;
import airlock.rules.Config;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
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
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Runs that outlive the request that started them (the HTTPS API's {@code POST /v1/runs}), kept
 * for their caller to read, follow and cancel. Each goes through the one request path
 * ({@link Pipeline#serve}) with a {@link Caller.KeyHolder} as its caller, so the same Gate,
 * hooks, approvals, vault, sandbox, redaction and audit apply as on a profile's socket. Two
 * things differ, both narrowing: the run sees only a fresh folder holding the files it was sent
 * ({@link RunFolder}, removed when it ends), never the profile's workspaces; and it is
 * registered with the profile's {@link OpenCalls}, so revoking, expiring or rotating the profile
 * interrupts it like a socket's call.
 */
public final class Runs implements Closeable {
    /** A file name a run may be sent: one plain name (no folder, no dot-only name, nothing hidden from {@code ls}). */
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
    /** How long {@link #start} waits for the tool to start (or the run to end) before it answers "running" anyway. */
    private static final Duration ADMITTED_WITHIN = Duration.ofSeconds(30);
    /** The uid a root daemon gives a run's folder: a sandboxed run then runs as nobody, never as root. */
    private static final int NOBODY = 65534;

    /** What {@link #start} needs; everything in it is the remote agent's and hostile. */
    public record Asked(String profile, Caller.KeyHolder caller, String command, List<String> args, Map<String, String> files,
                        byte[] stdin) {
        public Asked {
            args = List.copyOf(args);
            files = Map.copyOf(files);
            stdin = stdin.clone();
        }
    }

    /** What came of a start: a closed set. */
    public sealed interface Started {
        /** The run was admitted (its tool started, it waits for a person, or it ended already). */
        record Accepted(Run run) implements Started {}

        /** A layer refused it before anything ran: no run is kept (the audit log has the record). */
        record Refused(Refusal refusal) implements Started {}

        /** What the request itself got wrong (a file name, too many files): nothing was judged. */
        record Invalid(String message) implements Started {}

        /** The key has as many runs going as it may: try again when one ends. */
        record Busy(String message) implements Started {}
    }

    /** Answers to paused runs ({@code airlock.daemon.pause}), set once the daemon has built it. */
    public interface Answers {
        /** An answer for run {@code id}'s pause {@code seq} (its prompt event's number), given by {@code by}. */
        Answered respond(String profile, String id, long seq, byte[] answer, String by);

        /** Why the profile has no run {@code id} when something is known of it (a daemon stop ended it while it was paused). */
        default Optional<String> gone(String profile, String id) {
            return Optional.empty();
        }
    }

    /** What an answer got: a closed set. */
    public sealed interface Answered {
        /** The script has it; the run goes on. */
        record Taken(Run run) implements Answered {}

        /** Nothing changed: no such run for the profile, it waits for no answer (or another seq), or the answer is too long. */
        record Refused(Why why, String message) implements Answered {}

        enum Why { NO_RUN, NOT_WAITING, TOO_LARGE }
    }

    private volatile Answers answers = (p, i, s, a, b) -> new Answered.Refused(Answered.Why.NOT_WAITING,
            "airlock: this daemon takes no answers for paused runs");
    /** The open calls of shim runs kept at their first pause, by run id: a stop of the profile interrupts them. Guarded by {@code this}. */
    private final Map<String, OpenCalls.Call> kept = new java.util.HashMap<>();

    private final Pipeline pipeline;
    private final OpenCalls calls;
    /** The {@code [api]} limits as they are now: read for every run, so a reload counts at once. */
    private final Supplier<Config.ApiSettings.RunLimits> limits;
    private final PrintStream log;
    private final Path tmp;
    private final boolean root;
    private final SecureRandom random = new SecureRandom();
    /** Every run kept, oldest first. Guarded by {@code this}. */
    private final Map<String, Run> runs = new LinkedHashMap<>();
    /** The folder holding the runs' folders; made at the first run. Guarded by {@code this}. */
    private Path folders;
    private boolean closed;

    /**
     * @param tmp where the runs' folders go ({@code java.io.tmpdir}): never under the config
     *            directory, which a sandbox hides (a folder there would vanish inside the run)
     */
    public Runs(Pipeline pipeline, OpenCalls calls, Supplier<Config.ApiSettings.RunLimits> limits, Path tmp, PrintStream log) {
        this.pipeline = pipeline;
        this.calls = calls;
        this.limits = limits;
        this.tmp = tmp;
        this.log = log;
        this.root = new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    /**
     * Judges and starts a run; answers once its tool started, it waits (for a person, a lock), or
     * it ended, whichever is first. A refusal before anything ran comes back as
     * {@link Started.Refused} and leaves no run behind.
     */
    public Started start(Asked a) throws IOException, InterruptedException {
        Config.ApiSettings.RunLimits l = limits.get();
        if (a.files().size() > l.maxFiles()) {
            return new Started.Invalid("airlock: refused by the api layer: " + a.files().size() + " files; a run may be sent at most "
                    + l.maxFiles() + " ([api] max_files)");
        }
        for (String name : a.files().keySet()) {
            if (!FILE_NAME.matcher(name).matches()) {
                return new Started.Invalid("airlock: refused by the api layer: file name " + quoted(name) + " is not a plain name"
                        + " (letters, digits, '.', '_', '-'; no folder, no leading dot); files go into the run's own folder only");
            }
        }
        Run run;
        synchronized (this) {
            if (closed) return new Started.Busy("airlock: the daemon is stopping; try again when it is back");
            long going = runs.values().stream().filter(r -> r.keyId().equals(a.caller().keyId()) && !r.status().ended()).count();
            if (going >= l.maxRunsPerKey()) {
                return new Started.Busy("airlock: refused by the api layer: this key has " + going + " runs going, the most it may"
                        + " ([api] max_runs_per_key); wait for one to end or cancel one (DELETE /v1/runs/ID)");
            }
            String id = "run_" + HexFormat.of().formatHex(bytes(12));
            run = new Run(id, a.profile(), a.caller(), a.command(), a.args(), a.stdin(), l.maxOutputBytes());
            runs.put(id, run);
        }
        Path folder;
        try {
            folder = folder(run.id(), a.files());
        } catch (IOException e) {
            forget(run);
            throw e;
        }
        AgentRequest request = new AgentRequest(AgentRequest.Mode.RUN, a.command(), a.args(), folder.toString(), Map.of(), "", false);
        Optional<OpenCalls.Call> call = calls.enter(a.profile(), (code, message) -> run.stop(RunStatus.INTERRUPTED, message));
        CompletableFuture<Void> admitted = new CompletableFuture<>();
        ToolRun.ProcessStart starts = call.isPresent() ? call.get().starts() : ProcessBuilder::start;
        ToolRun.ProcessStart signalled = pb -> {
            try {
                return starts.start(pb);
            } finally {
                admitted.complete(null);
            }
        };
        CompletableFuture<Finish> finished = new CompletableFuture<>();
        Thread.ofVirtual().name("run-" + run.id()).start(() -> {
            try {
                Finish f = pipeline.serve(a.profile(), new Intake.Arrived(request), watched(run, admitted), signalled, call.isEmpty(),
                        Optional.of(new RunFolder(folder)));
                finished.complete(f);
                settle(run, f);
            } catch (RuntimeException | Error e) {
                log.println("airlock: run " + run.id() + " failed: " + e);
                finished.complete(null);
                run.end(RunStatus.FAILED, null, 0, null, "airlock: the run failed on the host; the daemon's log says more");
            } finally {
                call.ifPresent(OpenCalls.Call::close);
                remove(folder);
                admitted.complete(null);
                evict();
            }
        });
        try {
            CompletableFuture.anyOf(admitted, finished).get(ADMITTED_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // a slow hook or the vault's lock: the run is admitted as far as anyone can tell; it goes on
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        Finish f = finished.getNow(null);
        if (f != null && f.reply() instanceof Reply.Refuse r) {
            forget(run);
            return new Started.Refused(r.refusal());
        }
        return new Started.Accepted(run);
    }

    /** Who answers paused runs from now on (the daemon's pause desk). */
    public void answersBy(Answers a) {
        answers = a;
    }

    /** Why the profile has no run {@code id}, when that is known (a run a daemon stop interrupted while it was paused). */
    public Optional<String> gone(String profile, String id) {
        return answers.gone(profile, id);
    }

    /** An answer for the profile's run {@code id}, paused at {@code seq}. */
    public Answered respond(String profile, String id, long seq, byte[] answer, String by) {
        return answers.respond(profile, id, seq, answer, by);
    }

    /**
     * Keeps a run that a shim's connection started, at its script's first pause: its output goes
     * into the kept run from then on (its caller is told to answer it by id), and a stop of its
     * profile interrupts it like an API run. {@link #settleKept} ends it. Empty when the daemon
     * is stopping or the profile is being stopped.
     */
    public Optional<Run> keep(String profile, Caller caller, String command, List<String> args) {
        Run run;
        synchronized (this) {
            if (closed) return Optional.empty();
            String id = "run_" + HexFormat.of().formatHex(bytes(12));
            run = new Run(id, profile, caller, command, args, new byte[0], limits.get().maxOutputBytes());
            runs.put(id, run);
        }
        Optional<OpenCalls.Call> call = calls.enter(profile, (code, message) -> run.stop(RunStatus.INTERRUPTED, message));
        if (call.isEmpty()) {
            forget(run);
            return Optional.empty();
        }
        synchronized (this) {
            kept.put(run.id(), call.get());
        }
        return Optional.of(run);
    }

    /** A kept shim run's request path ended: the run ends as an API run would. */
    public void settleKept(Run run, Finish f) {
        OpenCalls.Call call;
        synchronized (this) {
            call = kept.remove(run.id());
        }
        try {
            settle(run, f);
        } finally {
            if (call != null) call.close();
            evict();
        }
    }

    /** The profile's run {@code id}; empty for another profile's, as for one that does not exist. */
    public synchronized Optional<Run> get(String profile, String id) {
        Run r = runs.get(id);
        return r != null && r.profile().equals(profile) ? Optional.of(r) : Optional.empty();
    }

    /** The runs of every profile that wait for an answer now, oldest first. */
    public synchronized List<Run> waiting() {
        return runs.values().stream().filter(r -> r.waiting().isPresent()).toList();
    }

    /** The profile's runs kept now, oldest first. */
    public synchronized List<Run> of(String profile) {
        return runs.values().stream().filter(r -> r.profile().equals(profile)).toList();
    }

    /** Cancels the profile's run {@code id}: its process tree is killed. False when it had ended (or is not the profile's). */
    public boolean cancel(String profile, String id) {
        return get(profile, id).map(r -> r.stop(RunStatus.CANCELLED, "airlock: the run was cancelled by its caller")).orElse(false);
    }

    /** Every run still going is interrupted, saying why; the runs' folders go. */
    @Override
    public void close() {
        List<Run> going;
        Path f;
        synchronized (this) {
            closed = true;
            going = runs.values().stream().filter(r -> !r.status().ended()).toList();
            f = folders;
        }
        for (Run r : going) r.stop(RunStatus.INTERRUPTED, "airlock: the daemon stopped; the run was interrupted");
        // a bounded wait, so each interrupted run's audit record is written before the log closes
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try {
            for (Run r : going) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left > 0) r.output().from(Long.MAX_VALUE, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (f != null) remove(f);
    }

    /** The link, noting that the run got as far as telling its caller something (a wait for a person). */
    private static airlock.daemon.pipeline.CallerLink watched(Run run, CompletableFuture<Void> admitted) {
        airlock.daemon.pipeline.CallerLink link = run.link();
        return new airlock.daemon.pipeline.CallerLink() {
            @Override public Caller caller() { return link.caller(); }

            @Override public void write(Output stream, byte[] b, int off, int len) throws IOException { link.write(stream, b, off, len); }

            @Override public void notice(String line) throws IOException {
                link.notice(line);
                admitted.complete(null);
            }

            @Override public FromCaller receive() throws InterruptedException { return link.receive(); }

            @Override public boolean gone() { return link.gone(); }

            @Override public Optional<String> keptRun() { return link.keptRun(); }
        };
    }

    /** How the request path's answer becomes the run's end. */
    private static void settle(Run run, Finish f) {
        f.warning().ifPresent(w -> {
            try {
                run.link().notice(w);
            } catch (IOException e) {
                // the output is full; the record's failure is in the daemon's log
            }
        });
        boolean full = run.output().overflowed();
        String overflow = full ? "airlock: the run wrote more output than the API keeps ([api] max_output_bytes); it was stopped" : "";
        switch (f.reply()) {
            case Reply.Exit x -> {
                RunStatus s = x.limit().equals("timeout") ? RunStatus.TIMEOUT
                        : full ? RunStatus.FAILED : x.status() == 0 && x.signal() == 0 ? RunStatus.COMPLETED : RunStatus.FAILED;
                run.end(s, x.status(), x.signal(), null, x.limit().isEmpty() || x.limit().equals("timeout") ? overflow
                        : "airlock: the run hit its sandbox's " + x.limit() + " limit");
            }
            case Reply.Deliver d -> {
                try {
                    run.link().write(airlock.daemon.pipeline.CallerLink.Output.STDOUT, d.stdout(), 0, d.stdout().length);
                    run.link().write(airlock.daemon.pipeline.CallerLink.Output.STDERR, d.stderr(), 0, d.stderr().length);
                } catch (IOException e) {
                    // more than the API keeps: said below
                }
                boolean over = run.output().overflowed();
                run.end(over ? RunStatus.FAILED : d.status() == 0 && d.signal() == 0 ? RunStatus.COMPLETED : RunStatus.FAILED,
                        d.status(), d.signal(), null, over ? overflow.isEmpty() ? "airlock: the run's output was more than the API keeps" : overflow : "");
            }
            case Reply.Refuse r -> run.end(RunStatus.REFUSED, null, 0, r.refusal(), r.refusal().message());
            case Reply.Withhold w -> run.end(RunStatus.REFUSED, null, 0, w.refusal(), w.refusal().message());
            case Reply.Silent s -> run.end(full ? RunStatus.FAILED : RunStatus.INTERRUPTED, null, 0, null,
                    full ? overflow : "airlock: the run ended before its tool did (the profile was stopped, or the run broke)");
            case Reply.Verdict v -> run.end(RunStatus.FAILED, null, 0, null, "airlock: a run got a dry run's answer");
            case Reply.Answer ans -> run.end(RunStatus.FAILED, null, 0, null, "airlock: a run got an agent verb's answer");
        }
    }

    /** Past {@code runs_kept} of a profile's ended runs, the oldest ended ones go. */
    private synchronized void evict() {
        int kept = limits.get().runsKept();
        Map<String, Integer> ended = new java.util.HashMap<>();
        List<String> drop = new ArrayList<>();
        List<Run> newestFirst = new ArrayList<>(runs.values());
        java.util.Collections.reverse(newestFirst);
        for (Run r : newestFirst) {
            if (!r.status().ended()) continue;
            if (ended.merge(r.profile(), 1, Integer::sum) > kept) drop.add(r.id());
        }
        drop.forEach(runs::remove);
    }

    private synchronized void forget(Run run) {
        runs.remove(run.id());
    }

    /**
     * The run's own folder with its files: 0700, the daemon's. A root daemon gives it to nobody
     * with root's group, 0770: a sandboxed run then runs as nobody (never root) and may write
     * there, and the sandbox's outer bubblewrap, root without capabilities, still enters it by
     * its group; nobody else can. Written without following a link: the names are plain and the
     * folder is new.
     */
    private Path folder(String id, Map<String, String> files) throws IOException {
        Path parent;
        synchronized (this) {
            if (folders == null) {
                // 0711: a root daemon's run (nobody) must pass through to its own folder, and list none
                folders = Files.createTempDirectory(tmp, "airlock-runs-", PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx--x--x")));
                Files.setPosixFilePermissions(folders, PosixFilePermissions.fromString("rwx--x--x"));
            }
            parent = folders;
        }
        Path folder = Files.createDirectory(parent.resolve(id), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        for (Map.Entry<String, String> e : files.entrySet()) {
            Path file = Files.createFile(folder.resolve(e.getKey()), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
            if (root) {
                give(file);
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw----"));
            }
        }
        if (root) {
            give(folder);
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwx---"));
        }
        return folder.toRealPath();
    }

    private static void give(Path p) throws IOException {
        Files.setAttribute(p, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", 0, LinkOption.NOFOLLOW_LINKS);
    }

    /** Removes a folder and what is in it, following no link (a run may have left one pointing anywhere). */
    private void remove(Path folder) {
        try {
            airlock.daemon.core.FolderTree.remove(folder);
        } catch (IOException e) {
            log.println("airlock: cannot remove a run's folder " + folder + ": " + e.getMessage());
        }
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static String quoted(String s) {
        return "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s).replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }
}
