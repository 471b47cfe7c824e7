package airlock.daemon.agent;

import airlock.daemon.vault.SecretEntry;
import airlock.daemon.vault.Vault;
import airlock.daemon.vault.VaultException;
import airlock.rules.Policy;
import airlock.rules.Profile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The agent's view of the real vault: the names its profile is granted (in {@code [secrets.CMD]}
 * or {@code [redact] also}) and the empty slots it requested, with set or empty and the
 * description; never a value. A request creates an empty slot a person fills and grants.
 */
public final class VaultSlots implements SecretSlots {
    private final Vault vault;
    private final Supplier<Policy> policy;

    public VaultSlots(Vault vault, Supplier<Policy> policy) {
        this.vault = vault;
        this.policy = policy;
    }

    @Override
    public List<Slot> visibleTo(String profile) throws IOException {
        Profile p = policy.get().profiles().get(profile);
        TreeSet<String> granted = new TreeSet<>();
        if (p != null) {
            p.secrets().values().forEach(g -> {
                granted.addAll(g.env().values());
                granted.addAll(g.files().values());
            });
            granted.addAll(p.redactAlso());
        }
        List<Slot> out = new ArrayList<>();
        for (SecretEntry e : vault.list()) {
            boolean requestedHere = e.requestedBy().filter(profile::equals).isPresent() && !e.hasValue();
            if (granted.remove(e.name()) || requestedHere) out.add(slot(e));
        }
        // granted but not in the vault at all: the profile would not load, but say so if it races
        for (String missing : granted) out.add(new Slot(missing, "", false, ""));
        out.sort(java.util.Comparator.comparing(Slot::name));
        return out;
    }

    @Override
    public Slot request(String profile, String name, String description) throws IOException, Refused {
        try {
            Optional<SecretEntry> existing = vault.entry(name);
            if (existing.isPresent()) {
                throw new Refused("airlock: a secret named '" + name + "' already exists; ask the person on the host to grant it"
                        + " to profile '" + profile + "' ([secrets.COMMAND] in its profile)");
            }
            return slot(vault.request(name, profile, description));
        } catch (VaultException e) {
            throw new Refused(e.getMessage().startsWith("airlock:") ? e.getMessage() : "airlock: " + e.getMessage());
        }
    }

    private static Slot slot(SecretEntry e) {
        return new Slot(e.name(), e.description(), e.hasValue(), e.requestedBy().orElse(""));
    }
}
