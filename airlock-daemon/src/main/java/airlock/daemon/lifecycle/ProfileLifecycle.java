package airlock.daemon.lifecycle;

import airlock.rules.Profile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Revoke, lock and rotate, with their rules, for both the CLI and the console: a revoked profile
 * is neither locked nor rotated (restore it first), a second revoke keeps the first one's time and
 * reason, a reason is one line of at most 200 characters (it is shown to the agent and in the
 * person's terminal). The caller says how the running daemon learns of it.
 */
public final class ProfileLifecycle {
    static final int MAX_REASON = 200;

    private ProfileLifecycle() {}

    /** What happened: a message for the person, and a key shown once when one was issued. */
    public sealed interface Change {
        String message();

        record Done(String message) implements Change {}

        record KeyIssued(String message, String key) implements Change {}

        record Refused(String message) implements Change {}
    }

    public static Change revoke(String name, Profile p, Path file, String reason) throws IOException {
        String why = reason == null ? "" : reason.replaceAll("\\p{Cntrl}", " ").strip();
        if (why.length() > MAX_REASON) return new Change.Refused("airlock: a reason of at most " + MAX_REASON + " characters, please");
        if (p.lifecycle().revoked().isPresent()) return new Change.Refused("airlock: profile " + name + " is revoked already");
        Instant at = ProfileFile.revoke(file, why);
        return new Change.Done("airlock: profile " + name + " revoked at " + at);
    }

    public static Change lock(String name, Profile p, Path file) throws IOException {
        if (p.lifecycle().revoked().isPresent()) return revoked(name);
        if (p.lifecycle().lock().isPresent()) {
            return new Change.Refused("airlock: profile " + name + " is locked already; rotating it issues a new key (and a new socket)");
        }
        return new Change.KeyIssued("airlock: profile " + name + " locked; the key is shown once and stored nowhere: give it to"
                + " the container as AIRLOCK_KEY or /run/airlock/key", ProfileFile.lock(file));
    }

    public static Change rotate(String name, Profile p, Path file) throws IOException {
        if (p.lifecycle().revoked().isPresent()) return revoked(name);
        boolean locked = p.lifecycle().lock().isPresent();
        String key = locked ? ProfileFile.lock(file) : null;
        ProfileFile.rotate(file);
        String m = "airlock: profile " + name + " rotated: a new socket at the same path"
                + (locked ? " and a new key, shown once (the old one no longer works)" : "");
        return locked ? new Change.KeyIssued(m, key) : new Change.Done(m);
    }

    private static Change revoked(String name) {
        return new Change.Refused("airlock: profile " + name + " is revoked; delete the 'revoked' line of its file to restore it first");
    }
}
