package airlock.daemon.lifecycle;

import airlock.rules.Profile;

import java.time.Instant;
import java.util.Optional;

/**
 * Where a profile is in its life at a given instant. Revoked wins over expired: a person's act
 * says more than a date. Only an active profile has a socket.
 */
public sealed interface ProfileState {
    record Active(Optional<Instant> expires) implements ProfileState {}

    record Expired(Instant at) implements ProfileState {}

    record Revoked(Instant at, String reason) implements ProfileState {}

    static ProfileState of(Profile p, Instant now) {
        Profile.Lifecycle l = p.lifecycle();
        if (l.revoked().isPresent()) return new Revoked(l.revoked().get().at(), l.revoked().get().reason());
        if (l.expires().isPresent() && !now.isBefore(l.expires().get())) return new Expired(l.expires().get());
        return new Active(l.expires());
    }

    default boolean active() {
        return this instanceof Active;
    }

    /** One word for lists and JSON: active, expired, revoked. */
    default String word() {
        return switch (this) {
            case Active a -> "active";
            case Expired e -> "expired";
            case Revoked r -> "revoked";
        };
    }

    /** What a caller of an inactive profile is told; empty when the profile is active. */
    static Optional<String> refusal(String profile, ProfileState state) {
        return switch (state) {
            case Active a -> Optional.empty();
            case Expired e -> Optional.of("airlock: profile '" + profile + "' expired at " + e.at()
                    + "; nothing runs through it any more (a person on the host can set a later 'expires' in profiles/"
                    + profile + ".toml)");
            case Revoked r -> Optional.of("airlock: profile '" + profile + "' was revoked at " + r.at()
                    + (r.reason().isEmpty() ? "" : " (" + r.reason() + ")")
                    + "; nothing runs through it any more (a person on the host restores it by deleting the 'revoked' line of profiles/"
                    + profile + ".toml)");
        };
    }
}
