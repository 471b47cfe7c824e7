package airlock.cli;

import airlock.daemon.lifecycle.ProfileState;
import airlock.rules.Profile;

import java.time.Instant;

/** A profile's state in words, the same in {@code profile list}, {@code profile show} and {@code doctor}. */
final class ProfileStateText {
    private ProfileStateText() {}

    static String of(Profile p, Instant now) {
        String lock = p.lifecycle().lock().map(l -> ", locked (key ark_" + l.id() + ":...)").orElse("");
        return switch (ProfileState.of(p, now)) {
            case ProfileState.Active a -> "active" + lock + a.expires().map(t -> ", expires at " + t).orElse("");
            case ProfileState.Expired e -> "expired at " + e.at() + lock;
            case ProfileState.Revoked r -> "revoked at " + r.at() + (r.reason().isEmpty() ? "" : " (" + airlock.daemon.core.Visible.text(r.reason()) + ")") + lock;
        };
    }
}
