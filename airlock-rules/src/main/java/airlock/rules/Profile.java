package airlock.rules;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * profiles/NAME.toml. {@code commands} empty means every enabled command; {@code mounts} maps a
 * container path to the host path it is mounted from.
 */
public record Profile(String name, List<String> commands, Map<String, String> envSet,
                      Map<String, String> mounts, Optional<SocketOwner> socketOwner, Lifecycle lifecycle, Ask ask) {
    public Profile {
        commands = List.copyOf(commands);
        envSet = Map.copyOf(envSet);
        mounts = Map.copyOf(mounts);
    }

    /** A profile with no lifecycle keys: active for ever, not locked. */
    public Profile(String name, List<String> commands, Map<String, String> envSet,
                   Map<String, String> mounts, Optional<SocketOwner> socketOwner) {
        this(name, commands, envSet, mounts, socketOwner, Lifecycle.NONE, Ask.NONE);
    }

    public boolean allows(String command) {
        return commands.isEmpty() || commands.contains(command);
    }

    /** {@code [socket] uid/gid}: who owns the profile's socket (mode 0660 then). */
    public record SocketOwner(int uid, int gid) {}

    /**
     * The keys that end or narrow a profile's life, all in its own file so that a person sees them
     * and a restart keeps them: {@code expires}, and the lines {@code airlock profile revoke / rotate
     * / lock} write ({@code revoked}, {@code rotated}, {@code lock}).
     */
    public record Lifecycle(Optional<Instant> expires, Optional<Revocation> revoked, Optional<Instant> rotated,
                            Optional<Lock> lock) {
        public static final Lifecycle NONE = new Lifecycle(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** {@code revoked = { at = ..., reason = "..." }}: deleting the line restores the profile. */
    public record Revocation(Instant at, String reason) {}

    /**
     * {@code lock = { id = "...", salt = "...", sha256 = "..." }}: what verifies a profile key
     * {@code ark_ID:SECRET}; sha256 is of salt and secret, so the file never holds the key.
     */
    public record Lock(String id, String salt, String sha256) {}
}
