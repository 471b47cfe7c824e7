package airlock.daemon.audit;

import airlock.daemon.core.Caller;
import airlock.daemon.core.Refusal;
import airlock.daemon.core.SessionRecord;
import airlock.daemon.core.AgentRequest;
import airlock.rules.Decision;

import java.io.PrintStream;
import java.util.Optional;

/**
 * Turns a session's {@link SessionRecord} into its audit record and writes it. A log that cannot
 * be written is said loudly on the daemon's stderr and returned as a message for the caller:
 * the session refuses (or, after a run, warns) instead of going on unrecorded.
 */
public final class SessionAudit {
    private final AuditLog log;
    private final PrintStream stderr;

    public SessionAudit(AuditLog log, PrintStream stderr) {
        this.log = log;
        this.stderr = stderr;
    }

    public AuditLog log() {
        return log;
    }

    /**
     * Empty when written; else the one-line message for the caller.
     * {@code moduleSha256}: the module that judged the request, also when it refused it.
     */
    public Optional<String> write(SessionRecord s, Optional<String> moduleSha256) {
        try {
            AuditRecord r = of(s);
            if (s.plan().isEmpty()) moduleSha256.ifPresent(r::module);
            log.append(r);
            return Optional.empty();
        } catch (AuditLogException e) {
            return Optional.of(loud(e));
        }
    }

    /** Whether a run may start: refuses while the last write failed and the log cannot be reopened. */
    public Optional<String> ready() {
        try {
            log.ready();
            return Optional.empty();
        } catch (AuditLogException e) {
            return Optional.of(loud(e));
        }
    }

    /** Said on the daemon's stderr every time, so an operator cannot miss it; the detail goes to the caller too. */
    private String loud(AuditLogException e) {
        stderr.println("airlock: AUDIT LOG FAILURE: " + e.getMessage());
        return e.getMessage();
    }

    public static AuditRecord of(SessionRecord s) {
        AuditRecord r = new AuditRecord(s.id(), s.profile(), s.started()).duration(s.duration());
        Caller c = s.caller();
        switch (c) {
            case Caller.KernelPeer k when k.known() -> r.peer(new AuditRecord.Peer((int) k.uid(), (int) k.gid(), k.pid()));
            case Caller.KernelPeer k -> { }
            case Caller.KeyHolder h -> r.keyHolder(h.keyId(), h.remoteAddress());
        }
        s.request().ifPresent(q -> r.request(q.command(), q.args(), q.cwd(),
                !c.containerId().isEmpty() ? c.containerId() : q.containerId(), q.mode() == AgentRequest.Mode.CHECK));
        s.rewritten().ifPresent(q -> r.rewritten(q.args(), q.cwd()));
        s.plan().ifPresent(p -> r.hostCwd(p.cwd().toString()).module(p.module().sha256()).argv(p.argv()));
        s.shadow().ifPresent(x -> r.shadow(x.allowed() ? "allowed" : "refused", x.layer(), x.rule()));
        SessionRecord.RunReport run = s.report();
        if (!run.injected().isEmpty() || !run.redactions().isEmpty()) r.secrets(run.injected(), run.redactions());
        if (!run.limit().isEmpty() || !run.filesRedacted().isEmpty() || !run.filesUnscanned().isEmpty()) {
            r.sandbox(run.limit(), run.filesRedacted(), run.fileMatches(), run.filesUnscanned());
        }
        switch (s.outcome()) {
            case SessionRecord.Outcome.Ran ran -> {
                r.allowed().exit(ran.status(), ran.signal(), ran.stdinBytes(), ran.outputBytes()).callerLost(ran.callerLost());
            }
            case SessionRecord.Outcome.Withheld w -> {
                refusal(r, w.refusal(), true);
                r.exit(w.ran().status(), w.ran().signal(), w.ran().stdinBytes(), w.ran().outputBytes());
            }
            case SessionRecord.Outcome.Refused ref -> refusal(r, ref.refusal(), false);
            case SessionRecord.Outcome.Broken b -> r.failed(b.reason());
        }
        return r;
    }

    private static void refusal(AuditRecord r, Refusal refusal, boolean withheld) {
        Optional<Decision> d = refusal.decision();
        String layer = d.map(x -> x.layer().name().toLowerCase()).orElse(null);
        String rule = d.map(Decision::rule).orElse(null);
        String reason = d.map(Decision::reason).orElse(refusal.message());
        if (withheld) r.withheld(layer, rule, reason);
        else r.refused(layer, rule, reason);
    }
}
