package airlock.rules;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * profiles/NAME.toml. {@code commands} empty means every enabled command; {@code mounts} maps a
 * container path to the host path it is mounted from. {@code secrets} grants vault secrets to one
 * command each ({@code [secrets.CMD]}); {@code redactAlso} names secrets that are not injected
 * but could show up in output ({@code [redact] also}). {@code secretReferences} is every secret
 * name the profile mentions with its key and line, so the daemon (which can see the vault) can
 * report a missing one the way a broken key is reported.
 */
public record Profile(String name, List<String> commands, Map<String, String> envSet,
                      Map<String, String> mounts, Optional<SocketOwner> socketOwner,
                      Map<String, SecretGrant> secrets, List<String> redactAlso,
                      List<SecretReference> secretReferences, Lifecycle lifecycle, Ask ask, Pause pause) {
    public Profile {
        commands = List.copyOf(commands);
        envSet = Map.copyOf(envSet);
        mounts = Map.copyOf(mounts);
        secrets = Map.copyOf(secrets);
        redactAlso = List.copyOf(redactAlso);
        secretReferences = List.copyOf(secretReferences);
    }

    /** A profile without {@code [pause]}: its defaults. */
    public Profile(String name, List<String> commands, Map<String, String> envSet, Map<String, String> mounts,
                   Optional<SocketOwner> socketOwner, Map<String, SecretGrant> secrets, List<String> redactAlso,
                   List<SecretReference> secretReferences, Lifecycle lifecycle, Ask ask) {
        this(name, commands, envSet, mounts, socketOwner, secrets, redactAlso, secretReferences, lifecycle, ask, Pause.DEFAULT);
    }

    /** A profile with no secrets and no lifecycle keys: active for ever, not locked. */
    public Profile(String name, List<String> commands, Map<String, String> envSet,
                   Map<String, String> mounts, Optional<SocketOwner> socketOwner) {
        this(name, commands, envSet, mounts, socketOwner, Map.of(), List.of(), List.of(), Lifecycle.NONE, Ask.NONE);
    }

    /** A profile with secrets and no lifecycle keys. */
    public Profile(String name, List<String> commands, Map<String, String> envSet, Map<String, String> mounts,
                   Optional<SocketOwner> socketOwner, Map<String, SecretGrant> secrets, List<String> redactAlso,
                   List<SecretReference> secretReferences) {
        this(name, commands, envSet, mounts, socketOwner, secrets, redactAlso, secretReferences, Lifecycle.NONE, Ask.NONE);
    }

    /** A profile with lifecycle keys and no secrets. */
    public Profile(String name, List<String> commands, Map<String, String> envSet, Map<String, String> mounts,
                   Optional<SocketOwner> socketOwner, Lifecycle lifecycle, Ask ask) {
        this(name, commands, envSet, mounts, socketOwner, Map.of(), List.of(), List.of(), lifecycle, ask);
    }

    /** Secret name to the names of the profiles that mention it (grants and {@code [redact] also}), each list sorted. */
    public static Map<String, List<String>> secretUsers(java.util.Collection<Profile> profiles) {
        Map<String, java.util.TreeSet<String>> m = new java.util.TreeMap<>();
        for (Profile p : profiles) {
            for (SecretReference r : p.secretReferences()) m.computeIfAbsent(r.secret(), k -> new java.util.TreeSet<>()).add(p.name());
        }
        Map<String, List<String>> out = new java.util.TreeMap<>();
        m.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return out;
    }

    public boolean allows(String command) {
        return commands.isEmpty() || commands.contains(command);
    }

    /**
     * The same profile seeing only {@code only} (container path to host path) instead of its
     * {@code [mounts]}: a listener that makes each run a folder of its own (the HTTPS API) judges
     * the run as if the profile mounted just that.
     */
    public Profile withMounts(Map<String, String> only) {
        return new Profile(name, commands, envSet, only, socketOwner, secrets, redactAlso, secretReferences, lifecycle, ask, pause);
    }

    /** What {@code command} gets from the vault in this profile (nothing when not granted). */
    public SecretGrant secretsFor(String command) {
        return secrets.getOrDefault(command, SecretGrant.NONE);
    }

    /** {@code [socket] uid/gid}: who owns the profile's socket (mode 0660 then). */
    public record SocketOwner(int uid, int gid) {}

    /**
     * {@code [secrets.CMD]}: {@code env} maps a variable to the secret whose value it holds for
     * one run; {@code files} maps a variable to the secret written to a private file whose path it holds.
     */
    public record SecretGrant(Map<String, String> env, Map<String, String> files) {
        public static final SecretGrant NONE = new SecretGrant(Map.of(), Map.of());

        public SecretGrant {
            env = Map.copyOf(env);
            files = Map.copyOf(files);
        }

        public boolean isEmpty() {
            return env.isEmpty() && files.isEmpty();
        }
    }

    /** A secret name as written in the profile: at {@code key} ({@code secrets.gh.env.GH_TOKEN}), on {@code line}. */
    public record SecretReference(String secret, String key, int line) {}
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
