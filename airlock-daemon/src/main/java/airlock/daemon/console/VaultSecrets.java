package airlock.daemon.console;

import airlock.daemon.vault.HostSecrets;
import airlock.daemon.vault.SecretEntry;
import airlock.daemon.vault.SecretName;
import airlock.daemon.vault.VaultException;
import airlock.rules.Policy;
import airlock.rules.Profile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The daemon's vault, metadata only: the list never decrypts anything, and {@link #set} turns the
 * form's chars into bytes that are wiped as soon as the vault has sealed them. Which profiles use
 * a secret comes from the running policy (grants and {@code [redact] also}), as in {@code airlock secret list}.
 */
public final class VaultSecrets implements Secrets {
    private final HostSecrets vault;
    private final Supplier<Policy> policy;

    public VaultSecrets(HostSecrets vault, Supplier<Policy> policy) {
        this.vault = vault;
        this.policy = policy;
    }

    @Override
    public List<View> list() {
        Map<String, List<String>> users = usedBy(policy.get());
        List<View> out = new ArrayList<>();
        List<SecretEntry> entries;
        try {
            entries = vault.list();
        } catch (IOException e) {
            entries = List.of();
        }
        TreeSet<String> missing = new TreeSet<>(users.keySet());
        for (SecretEntry e : entries) {
            missing.remove(e.name());
            State s = switch (e.status()) {
                case SET -> State.SET;
                case EMPTY -> State.EMPTY;
                case DAMAGED -> State.DAMAGED;
            };
            out.add(new View(e.name(), e.description(), s, e.requestedBy(), users.getOrDefault(e.name(), List.of()), Optional.of(e.changed())));
        }
        for (String m : missing) out.add(new View(m, "", State.MISSING, Optional.empty(), users.get(m), Optional.empty()));
        out.sort(java.util.Comparator.comparing(View::name));
        return out;
    }

    static Map<String, List<String>> usedBy(Policy p) {
        return Profile.secretUsers(p.profiles().values());
    }

    @Override
    public Outcome set(String name, char[] value, String description) {
        if (!SecretName.valid(name)) {
            return new Outcome.Refused("airlock: console: '" + name.replaceAll("\\p{Cntrl}", "?")
                    + "' is not a secret name (letters, digits and '_', not starting with a digit; nothing was stored)");
        }
        byte[] bytes = utf8(value);
        if (bytes == null) return new Outcome.Refused("airlock: console: the value is not valid text (nothing was stored)");
        try {
            SecretEntry e = vault.set(name, bytes, description == null || description.isBlank() ? null : description.strip());
            return new Outcome.Done("airlock: secret " + name + " " + (e.version() == 1 ? "added" : "set, version " + e.version())
                    + "; the value is not shown again");
        } catch (VaultException e) {
            return new Outcome.Refused(e.getMessage());
        } catch (IOException e) {
            return new Outcome.Refused("airlock: console: the vault could not store " + name + ": " + e.getMessage() + " (nothing was stored)");
        } finally {
            Arrays.fill(bytes, (byte) 0); // the vault sealed its own copy
        }
    }

    /** Exactly the bytes, in an array of their own; the encoder's buffer is wiped. */
    private static byte[] utf8(char[] value) {
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(value));
            byte[] out = Arrays.copyOfRange(b.array(), b.arrayOffset() + b.position(), b.arrayOffset() + b.limit());
            Arrays.fill(b.array(), (byte) 0);
            return out;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    @Override
    public Outcome remove(String name) {
        try {
            if (!SecretName.valid(name) || !vault.remove(name)) {
                return new Outcome.Refused("airlock: console: the vault has no secret '" + name.replaceAll("\\p{Cntrl}", "?") + "'");
            }
            List<String> users = usedBy(policy.get()).getOrDefault(name, List.of());
            return new Outcome.Done("airlock: secret " + name + " removed" + (users.isEmpty() ? ""
                    : "; profiles " + String.join(", ", users) + " still name it, so their commands that need it are refused until it is set again"));
        } catch (VaultException | IOException e) {
            return new Outcome.Refused("airlock: console: cannot remove " + name + ": " + e.getMessage());
        }
    }
}
