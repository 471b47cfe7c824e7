package airlock.daemon.console;

import airlock.daemon.ConfigDirectory;
import airlock.rules.Policy;

import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Profiles as the running policy has them (read at every call: a reload shows at once). Lifecycle
 * (expiry, revoke, rotate, lock) is not in this build: every profile is active and the actions say
 * so. ADAPT: the lead wires revoke/lock/rotate and state/expires/secrets to issue 15's lifecycle.
 */
public final class PolicyProfiles implements Profiles {
    static final String NOT_YET = "airlock: console: profile lifecycle (revoke, rotate, lock) is not in this build; "
            + "remove or edit profiles/NAME.toml instead (the daemon reloads on its own)";

    private final Supplier<Policy> policy;
    private final ConfigDirectory dir;

    public PolicyProfiles(Supplier<Policy> policy, ConfigDirectory dir) {
        this.policy = policy;
        this.dir = dir;
    }

    @Override
    public List<View> list() {
        return new TreeMap<>(policy.get().profiles()).values().stream()
                .map(p -> new View(p.name(), State.ACTIVE, dir.socketOf(p.name()).toString(), p.commands(), p.mounts(), List.of(), Optional.empty()))
                .toList();
    }

    @Override
    public Outcome revoke(String profile) {
        return new Outcome.Unavailable(NOT_YET);
    }

    @Override
    public Outcome lock(String profile) {
        return new Outcome.Unavailable(NOT_YET);
    }

    @Override
    public Outcome rotate(String profile) {
        return new Outcome.Unavailable(NOT_YET);
    }
}
