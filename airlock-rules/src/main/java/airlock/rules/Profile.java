package airlock.rules;

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
                      List<SecretReference> secretReferences) {
    public Profile {
        commands = List.copyOf(commands);
        envSet = Map.copyOf(envSet);
        mounts = Map.copyOf(mounts);
        secrets = Map.copyOf(secrets);
        redactAlso = List.copyOf(redactAlso);
        secretReferences = List.copyOf(secretReferences);
    }

    public Profile(String name, List<String> commands, Map<String, String> envSet,
                   Map<String, String> mounts, Optional<SocketOwner> socketOwner) {
        this(name, commands, envSet, mounts, socketOwner, Map.of(), List.of(), List.of());
    }

    public boolean allows(String command) {
        return commands.isEmpty() || commands.contains(command);
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
}
