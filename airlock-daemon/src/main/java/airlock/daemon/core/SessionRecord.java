package airlock.daemon.core;

import airlock.rules.Decision;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What happened in one session, produced exactly once when it ends: the value an audit log writes.
 *
 * @param started  when the connection was accepted
 * @param duration until the last frame was sent
 * @param profile  the profile whose socket was used
 * @param caller   the kernel's view of the caller (pid, uid, gid, container)
 * @param request  what was asked, empty when no valid request arrived
 * @param decision the policy's answer, empty when the session ended before the decision
 * @param plan     what was (or would have been) run, empty when refused before it was prepared
 * @param outcome  how it ended
 * @param id       the request id, shared by the audit record and the hooks' input
 * @param rewritten the request as a pre-exec hook rewrote it (then judged again by every layer)
 * @param report   what the run's secrets and sandbox did: the vault secrets injected (names
 *                 only, never a value), redactions per secret, a sandbox limit that was hit, and
 *                 the workspace files a sandboxed run wrote that were redacted in place
 * @param shadow   what the {@code [shadow]} candidate configuration said of the request, present
 *                 only where its verdict differs from the live one (which alone decided)
 */
public record SessionRecord(Instant started, Duration duration, String profile, Caller caller,
                            Optional<AgentRequest> request, Optional<Decision> decision, Optional<Plan> plan,
                            Outcome outcome, String id, Optional<AgentRequest> rewritten, RunReport report,
                            Optional<Shadow> shadow) {

    public SessionRecord(Instant started, Duration duration, String profile, Caller caller,
                         Optional<AgentRequest> request, Optional<Decision> decision, Optional<Plan> plan,
                         Outcome outcome, String id, Optional<AgentRequest> rewritten, RunReport report) {
        this(started, duration, profile, caller, request, decision, plan, outcome, id, rewritten, report, Optional.empty());
    }

    /**
     * The candidate's verdict on a request: allowed, or refused by {@code layer} (lower case, as
     * the record writes layers) with {@code rule} (null when the layer names none).
     */
    public record Shadow(boolean allowed, String layer, String rule) {}

    /**
     * @param limit           the [sandbox] limit the run hit ("" for none)
     * @param filesRedacted   workspace files the run wrote that held a secret and were redacted in place
     * @param fileMatches     how many secret forms were replaced in those files
     * @param filesUnscanned  files too large (or too many) to scan
     */
    public record RunReport(List<String> injected, Map<String, Long> redactions, String limit,
                            List<String> filesRedacted, int fileMatches, List<String> filesUnscanned) {
        public static final RunReport NONE = new RunReport(List.of(), Map.of(), "", List.of(), 0, List.of());

        public RunReport {
            injected = List.copyOf(injected);
            redactions = Map.copyOf(redactions);
            filesRedacted = List.copyOf(filesRedacted);
            filesUnscanned = List.copyOf(filesUnscanned);
        }
    }

    /** How a session ended. */
    public sealed interface Outcome {
        /** Nothing ran: a layer, the mounts, a hook, a limit or the protocol refused. */
        record Refused(Refusal refusal) implements Outcome {}

        /** The tool ran. {@code callerLost} is true when it was killed because the caller went away. */
        record Ran(int status, int signal, long stdinBytes, long outputBytes, boolean callerLost) implements Outcome {}

        /** The tool ran but a post-exec hook (or its output cap) withheld the result from the caller. */
        record Withheld(Ran ran, Refusal refusal) implements Outcome {}

        /** The session broke before a request arrived or after it started (I/O error, time-out). */
        record Broken(String reason) implements Outcome {}
    }
}
