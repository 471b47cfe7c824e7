package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.core.AgentRequest;
import airlock.daemon.core.ShellWords;
import airlock.daemon.gate.Gate;
import airlock.daemon.gate.Judgement;
import airlock.daemon.gate.ToolChecks;
import airlock.daemon.sandbox.SandboxLauncher;
import airlock.rules.ConfigError;
import airlock.rules.Decision;
import airlock.rules.Policy;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * {@code airlock test --replay --candidate DIR}: every request of the audit log that reached the
 * Gate's decision, judged again by the candidate configuration through the same {@link Gate} the
 * daemon uses (there is no second judge), and what changes. Nothing runs and nothing is written.
 */
final class Replay {
    private Replay() {}

    /** What the candidate says of one recorded request, compared with what the Gate said then. */
    enum Change { NEWLY_REFUSED, NEWLY_ALLOWED, UNCHANGED }

    record Judged(RecordedRequests.Recorded request, Judgement candidate, Change change) {}

    /** The candidate's judgement of {@code r}, as the daemon would have judged it (no environment: the log keeps none). */
    static Judged judge(Gate gate, Policy candidate, RecordedRequests.Recorded r, Map<String, String> daemonEnv) {
        Judgement j = gate.judge(candidate, r.profile(), new AgentRequest(AgentRequest.Mode.CHECK, r.command(), r.args(), r.cwd(),
                Map.of(), "", false), daemonEnv);
        Change c = j.allowed() == r.allowed() ? Change.UNCHANGED : j.allowed() ? Change.NEWLY_ALLOWED : Change.NEWLY_REFUSED;
        return new Judged(r, j, c);
    }

    /** Loads a candidate directory with the live vault's secrets; empty (said on {@code err}) when it does not load. */
    static Optional<Policy> load(ConfigDirectory live, Path candidate, PrintWriter err) throws IOException {
        try {
            return Optional.of(new ConfigDirectory(candidate).load(live.vaultDir()));
        } catch (ConfigError e) {
            err.println("airlock: the candidate does not load: " + e.getMessage() + " (airlock check --config " + candidate + " lists every problem)");
        } catch (NoSuchFileException e) {
            err.println("airlock: the candidate has no " + e.getFile() + " (a candidate is a configuration directory: config.toml,"
                    + " profiles/, commands/; copy yours and change it)");
        }
        return Optional.empty();
    }

    static int run(ConfigDirectory live, Path candidateDir, String sinceText, Optional<String> profile, Map<String, String> daemonEnv,
                   PrintWriter out, PrintWriter err) throws IOException {
        Instant since;
        try {
            since = RecordedRequests.since(sinceText, Instant.now());
        } catch (IllegalArgumentException e) {
            err.println("airlock: --since " + e.getMessage());
            return 2;
        }
        Optional<Policy> candidate = load(live, candidateDir, err);
        if (candidate.isEmpty()) return 2;
        RecordedRequests recorded = RecordedRequests.read(live, since, profile);
        Gate gate = new Gate(ToolChecks.builtin(), SandboxLauncher.of(live.root().toAbsolutePath()));
        out.println("replay: the requests of " + recorded.log() + " since " + since + profile.map(p -> " on profile " + p).orElse("")
                + ", judged by " + candidateDir);
        out.println("note: checks that look at the workspace (a repository's configuration, the mounted folders, the tool on the"
                + " PATH) judge it as it is now, not as it was then; the caller's environment is not recorded and is left empty");
        int refused = 0, allowed = 0, same = 0;
        for (RecordedRequests.Recorded r : recorded.requests()) {
            Judged j = judge(gate, candidate.get(), r, daemonEnv);
            switch (j.change()) {
                case UNCHANGED -> same++;
                case NEWLY_REFUSED -> {
                    refused++;
                    Decision d = ((Judgement.Refused) j.candidate()).refusal().decision().orElse(null);
                    out.println("newly refused  " + line(r) + "  [" + (d == null ? "?" : d.layer().name().toLowerCase())
                            + (d == null || d.rule() == null ? "" : " rule " + ShellWords.quote(d.rule())) + "]  (" + r.time() + ")");
                }
                case NEWLY_ALLOWED -> {
                    allowed++;
                    out.println("newly allowed  " + line(r) + "  [was refused by " + r.layer()
                            + (r.rule() == null ? "" : " rule " + ShellWords.quote(r.rule())) + "]  (" + r.time() + ")");
                }
            }
        }
        out.println("replay: " + recorded.requests().size() + " requests, " + refused + " newly refused, " + allowed + " newly allowed, "
                + same + " unchanged");
        return refused + allowed == 0 ? 0 : 1;
    }

    /** Profile and argv as a person pastes them back; agent text escaped (ShellWords quotes control characters). */
    private static String line(RecordedRequests.Recorded r) {
        return ShellWords.quote(r.profile()) + "  " + ShellWords.join(r.argv());
    }
}
