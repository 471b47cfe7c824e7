package airlock.daemon.pipeline;

import airlock.daemon.core.AgentRequest;
import airlock.daemon.core.Caller;
import airlock.daemon.core.Refusal;
import airlock.daemon.agent.AgentVerbs;
import airlock.daemon.approval.Approvals;
import airlock.daemon.pending.Result;
import airlock.daemon.lifecycle.ProfileKey;
import airlock.daemon.lifecycle.ProfileState;
import airlock.rules.Ask;
import airlock.rules.CommandModule;
import airlock.rules.Layer;
import airlock.rules.Policy;
import airlock.rules.Profile;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a request asks of the profile's life before and after the policy: whether the profile
 * may serve at all (expired, revoked, locked: the admission layer), the agent's own verbs, and
 * waiting for a person on an [ask] rule (the approval layer). Each answer is a value: a refusal
 * names its layer and rule, and the pipeline records and renders it.
 */
public final class Admission {
    private final Supplier<Policy> policy;
    private final AgentVerbs agent;
    private final Approvals approvals;

    public Admission(Supplier<Policy> policy, AgentVerbs agent, Approvals approvals) {
        this.policy = policy;
        this.agent = agent;
        this.approvals = approvals;
    }

    /**
     * Empty when the profile may serve {@code r}; else why not. Checked on the live policy for
     * every request, so a revocation or a new key counts from the reload on.
     */
    Optional<Refusal> admit(String profileName, AgentRequest r) {
        Profile p = policy.get().profiles().get(profileName);
        if (p == null) return Optional.empty(); // a removed profile: the policy refuses it by name
        ProfileState state = ProfileState.of(p, Instant.now());
        Optional<String> barred = ProfileState.refusal(profileName, state);
        if (barred.isPresent()) return Optional.of(Refusal.by(Layer.ADMISSION, stateRule(state), barred.get()));
        if (p.lifecycle().lock().isEmpty()) return Optional.empty();
        if (r.key().isEmpty()) {
            return Optional.of(Refusal.by(Layer.ADMISSION, "locked", "airlock: profile '" + profileName + "' is locked and this request carries no key;"
                    + " set AIRLOCK_KEY or mount the key file at /run/airlock/key (a person on the host has it from"
                    + " 'airlock profile lock " + profileName + "')"));
        }
        if (!ProfileKey.verifies(p.lifecycle().lock().get(), r.key())) {
            return Optional.of(Refusal.by(Layer.ADMISSION, "wrong key", "airlock: profile '" + profileName + "' is locked and the key"
                    + " sent is not its key (rotated or mistyped?); ask a person on the host for the current one"));
        }
        return Optional.empty();
    }

    /**
     * What a caller on a stopped profile's socket is told: it expired or was revoked (with the
     * reason and what to ask a person for); the fallbacks cover a profile that changed meanwhile.
     */
    Refusal stopped(String profileName) {
        Profile p = policy.get().profiles().get(profileName);
        if (p == null) return Refusal.by(Layer.ADMISSION, "removed", "airlock: profile '" + profileName
                + "' was removed on the host; nothing runs through this socket");
        ProfileState state = ProfileState.of(p, Instant.now());
        return ProfileState.refusal(profileName, state).map(m -> Refusal.by(Layer.ADMISSION, stateRule(state), m))
                .orElse(Refusal.by(Layer.ADMISSION, "stopped", "airlock: profile '" + profileName + "' was stopped on the host;"
                        + " this socket no longer works (a container started with the profile's socket path now gets the new one)"));
    }

    /** The admission layer's rule for a profile that may not serve: its state, in a word. */
    private static String stateRule(ProfileState state) {
        return state.getClass().getSimpleName().toLowerCase();
    }

    /** The answer to an AGENT request ({@code airlock skill} and the like). */
    AgentVerbs.Answer agent(String profileName, AgentRequest r) {
        return agent.answer(policy.get(), profileName, r.args(), Instant.now());
    }

    /**
     * After every layer allowed the request: when an [ask] rule of the module or profile matches,
     * waits for a person, telling the caller through its link. Empty when the request may run (no
     * rule asked, or a person approved); else the approval layer's refusal.
     */
    Optional<Refusal> askFirst(String profileName, AgentRequest r, CommandModule module, Profile profile, CallerLink link)
            throws InterruptedException {
        Caller caller = link.caller();
        Optional<Ask.Match> m = Ask.match(module, profile, r.args());
        if (m.isEmpty()) return Optional.empty();
        List<String> argv = new ArrayList<>();
        argv.add(r.command());
        argv.addAll(r.args());
        String container = !caller.containerId().isEmpty() ? caller.containerId() : r.containerId();
        Approvals.Verdict v = approvals.await(new Approvals.Request(profileName, container, caller.uid(), argv, r.cwd(),
                m.get().rule()), m.get().timeoutSeconds(), line -> {
                    try {
                        link.notice(line);
                    } catch (IOException e) {
                        // the caller left; its wait ends within a second (link.gone)
                    }
                }, link::gone);
        // the approval layer's rule says how the wait ended; an approval for a caller that gave up
        // meanwhile is Withdrawn already, so nothing starts for nobody
        String rule = switch (v.result()) {
            case Result.Answered<Approvals.Approved> a -> "approved";
            case Result.Denied<Approvals.Approved> d -> "denied";
            case Result.TimedOut<Approvals.Approved> t -> "timed out";
            case Result.Withdrawn<Approvals.Approved> w -> "withdrawn";
            case Result.Stopped<Approvals.Approved> st -> "stopped";
        };
        return v.refusal().map(message -> Refusal.by(Layer.APPROVAL, rule, message));
    }
}
