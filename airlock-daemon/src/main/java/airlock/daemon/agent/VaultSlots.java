package airlock.daemon.agent;

import airlock.daemon.vault.SecretEntry;
import airlock.daemon.vault.Vault;
import airlock.daemon.vault.VaultException;
import airlock.rules.Policy;
import airlock.rules.Profile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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

    /** An agent may ask for a few secrets, not fill the host's vault with empty entries. */
    static final int MAX_OPEN_REQUESTS = 16;

    @Override
    public Slot request(String profile, String name, String description) throws IOException, Refused {
        try {
            List<SecretEntry> all = vault.list();
            long open = all.stream().filter(e -> !e.hasValue() && e.requestedBy().filter(profile::equals).isPresent()).count();
            if (open >= MAX_OPEN_REQUESTS) {
                throw new Refused("airlock: profile '" + profile + "' already has " + open + " requested secrets waiting for a"
                        + " person; ask them to fill or remove those first ('airlock secret list' on the host)");
            }
            if (all.stream().anyMatch(e -> e.name().equals(name))) {
                // the same answer whether the name is taken by this profile's grant or another's
                throw new Refused("airlock: the name '" + name + "' cannot be requested; ask the person on the host for it,"
                        + " or request it under another name");
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
