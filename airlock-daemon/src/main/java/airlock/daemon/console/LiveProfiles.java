package airlock.daemon.console;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.lifecycle.ProfileLifecycle;
import airlock.daemon.lifecycle.ProfileState;
import airlock.rules.Policy;
import airlock.rules.Profile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Profiles as the running policy has them (read at every call, so a reload shows at once), and
 * their lifecycle done exactly as {@code airlock profile revoke|rotate|lock} does it: the same
 * line written into the profile's own file ({@link ProfileFile}), then the daemon's own reload,
 * the one the control socket's "reload" runs. The daemon then closes a revoked profile's socket
 * and stops its sessions; the console keeps no state of its own.
 */
public final class LiveProfiles implements Profiles {
    static final Duration EXPIRING = Duration.ofDays(1);

    private final Supplier<Policy> policy;
    private final ConfigDirectory dir;
    private final BooleanSupplier reload;
    private final Clock clock;

    public LiveProfiles(Supplier<Policy> policy, ConfigDirectory dir, BooleanSupplier reload, Clock clock) {
        this.policy = policy;
        this.dir = dir;
        this.reload = reload;
        this.clock = clock;
    }

    @Override
    public List<View> list() {
        Instant now = clock.instant();
        return new TreeMap<>(policy.get().profiles()).values().stream().map(p -> view(p, now)).toList();
    }

    private View view(Profile p, Instant now) {
        ProfileState s = ProfileState.of(p, now);
        Optional<String> lock = p.lifecycle().lock().map(l -> "locked (key ark_" + l.id() + ":...)");
        State state;
        String detail;
        switch (s) {
            case ProfileState.Revoked r -> {
                state = State.REVOKED;
                detail = "revoked at " + r.at() + (r.reason().isEmpty() ? "" : " (" + r.reason() + ")");
            }
            case ProfileState.Expired e -> {
                state = State.EXPIRED;
                detail = "expired at " + e.at();
            }
            case ProfileState.Active a -> {
                boolean soon = a.expires().filter(t -> t.isBefore(now.plus(EXPIRING))).isPresent();
                state = lock.isPresent() ? State.LOCKED : soon ? State.EXPIRING : State.ACTIVE;
                detail = String.join(", ", lock.orElse("active"), a.expires().map(t -> "expires at " + t).orElse("no expiry"));
            }
        }
        return new View(p.name(), state, detail, dir.socketOf(p.name()).toString(), p.commands(), p.mounts(), granted(p),
                p.lifecycle().expires());
    }

    /** Names only, and where each goes: a value is never read here. */
    static List<String> granted(Profile p) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Profile.SecretGrant> g : new TreeMap<>(p.secrets()).entrySet()) {
            new TreeMap<>(g.getValue().env()).forEach((var, secret) -> out.add(secret + " to " + g.getKey() + " as $" + var));
            new TreeMap<>(g.getValue().files()).forEach((var, secret) -> out.add(secret + " to " + g.getKey() + " as a file in $" + var));
        }
        new TreeSet<>(p.redactAlso()).forEach(s -> out.add(s + " (redacted only)"));
        return out;
    }

    @Override
    public Outcome revoke(String profile, String reason) {
        return change(profile, (p, file) -> ProfileLifecycle.revoke(profile, p, file, reason));
    }

    @Override
    public Outcome lock(String profile) {
        return change(profile, (p, file) -> ProfileLifecycle.lock(profile, p, file));
    }

    @Override
    public Outcome rotate(String profile) {
        return change(profile, (p, file) -> ProfileLifecycle.rotate(profile, p, file));
    }

    /** The lifecycle's answer, with what the running daemon did about it. */
    private Outcome outcome(ProfileLifecycle.Change c) {
        return switch (c) {
            case ProfileLifecycle.Change.Done d -> new Outcome.Done(d.message() + "; " + applied());
            case ProfileLifecycle.Change.KeyIssued k -> new Outcome.KeyIssued(k.message() + "; " + applied(), k.key());
            case ProfileLifecycle.Change.Refused r -> new Outcome.Refused(r.message());
        };
    }

    private interface Change {
        ProfileLifecycle.Change apply(Profile p, Path file) throws IOException;
    }

    /**
     * Only a profile the running policy has, and only its own regular file: a name from the form
     * cannot reach another path (the name rule has no '/', the file must not be a symlink).
     */
    private synchronized Outcome change(String name, Change c) {
        Profile p = policy.get().profiles().get(name);
        Path file = dir.profilesDir().resolve(name + ".toml");
        if (p == null || !name.matches("[A-Za-z0-9._-]+") || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return new Outcome.Refused("airlock: console: no profile named '" + name + "' in " + dir.profilesDir());
        }
        try {
            return outcome(c.apply(p, file));
        } catch (IOException e) {
            return new Outcome.Refused("airlock: console: cannot change " + file + ": " + e.getMessage());
        }
    }

    private String applied() {
        return reload.getAsBoolean() ? "the running daemon applied it"
                : "the running daemon did not apply it: the configuration does not load (see the daemon's log); the running one stays";
    }
}
