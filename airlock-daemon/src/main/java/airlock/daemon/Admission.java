package airlock.daemon;

import airlock.daemon.core.Caller;
import airlock.daemon.agent.AgentVerbs;
import airlock.daemon.approval.Approvals;
import airlock.daemon.lifecycle.ProfileKey;
import airlock.daemon.lifecycle.ProfileState;
import airlock.protocol.FrameType;
import airlock.protocol.FrameWriter;
import airlock.protocol.Request;
import airlock.rules.Ask;
import airlock.rules.CommandModule;
import airlock.rules.Policy;
import airlock.rules.Profile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a session asks of the profile's life before and after the policy: whether the profile
 * may serve at all (expired, revoked, locked), the agent's own verbs, and waiting for a person
 * on an [ask] rule. Each answer is a value; the session turns a refusal into its last frame.
 */
final class Admission {
    private final Supplier<Policy> policy;
    private final Connections connections;
    private final AgentVerbs agent;
    private final Approvals approvals;

    Admission(Supplier<Policy> policy, Connections connections, AgentVerbs agent, Approvals approvals) {
        this.policy = policy;
        this.connections = connections;
        this.agent = agent;
        this.approvals = approvals;
    }

    Connections connections() {
        return connections;
    }

    /**
     * Empty when the profile may serve {@code r}; else the message. Checked on the live policy for
     * every request, so a revocation or a new key counts from the reload on.
     */
    Optional<String> admit(String profileName, Request r) {
        Profile p = policy.get().profiles().get(profileName);
        if (p == null) return Optional.empty(); // a removed profile: the policy refuses it by name
        Optional<String> barred = ProfileState.refusal(profileName, ProfileState.of(p, Instant.now()));
        if (barred.isPresent()) return barred;
        if (p.lifecycle().lock().isEmpty()) return Optional.empty();
        if (r.key().isEmpty()) {
            return Optional.of("airlock: profile '" + profileName + "' is locked and this request carries no key;"
                    + " set AIRLOCK_KEY or mount the key file at /run/airlock/key (a person on the host has it from"
                    + " 'airlock profile lock " + profileName + "')");
        }
        if (!ProfileKey.verifies(p.lifecycle().lock().get(), r.key())) {
            return Optional.of("airlock: profile '" + profileName + "' is locked and the key sent is not its key"
                    + " (rotated or mistyped?); ask a person on the host for the current one");
        }
        return Optional.empty();
    }

    /**
     * What a caller on a stopped profile's socket is told: it expired or was revoked (with the
     * reason and what to ask a person for); the fallbacks cover a profile that changed meanwhile.
     */
    String stopped(String profileName) {
        Profile p = policy.get().profiles().get(profileName);
        if (p == null) return "airlock: profile '" + profileName + "' was removed on the host; nothing runs through this socket";
        return ProfileState.refusal(profileName, ProfileState.of(p, Instant.now()))
                .orElse("airlock: profile '" + profileName + "' was stopped on the host; this socket no longer works"
                        + " (a container started with the profile's socket path now gets the new one)");
    }

    /** The answer to an AGENT request ({@code airlock skill} and the like). */
    AgentVerbs.Answer agent(String profileName, Request r) {
        return agent.answer(policy.get(), profileName, r.args(), Instant.now());
    }

    /**
     * After every layer allowed the request: when an [ask] rule of the module or profile matches,
     * waits for a person. Empty when the request may run (no rule asked, or a person approved).
     */
    Optional<String> askFirst(String profileName, Caller caller, Request r, CommandModule module, Profile profile,
                              FrameWriter out) throws InterruptedException {
        Optional<Ask.Match> m = Ask.match(module, profile, r.args());
        if (m.isEmpty()) return Optional.empty();
        List<String> argv = new ArrayList<>();
        argv.add(r.command());
        argv.addAll(r.args());
        String container = !caller.containerId().isEmpty() ? caller.containerId() : r.containerId();
        Approvals.Verdict v = approvals.await(new Approvals.Request(profileName, container, caller.uid(), argv, r.cwd(),
                m.get().rule()), m.get().timeoutSeconds(), line -> {
                    byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
                    try {
                        out.data(FrameType.STDERR, b, 0, b.length);
                    } catch (IOException e) {
                        // the caller left; its wait ends within a second (callerGone below)
                    }
                }, () -> caller.known() && ProcessHandle.of(caller.pid()).map(h -> !h.isAlive()).orElse(true));
        // the typed result (v.result()) is the approval layer's decision; an approval for a caller
        // that gave up meanwhile is Withdrawn already, so nothing starts for nobody
        return v.refusal();
    }
}
